import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { useBrowserMode } from './browserMode.js';

const openApp = useBrowserMode();
let page: Page;
let errors: string[];
let folder: string;
let local: string;

/** A UDP port that was free a moment ago. */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** Runs tftp-hpa's `tftp` client, as a person would from a router's shell. */
function tftp(port: number, command: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'tftp',
      ['-4', '-m', 'binary', '127.0.0.1', String(port), '-c', ...command.split(' ')],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? 1 : 0, output: stdout + stderr });
      },
    );
  });
}

/** True when something answers a read request on the port within a second. */
function answersRequest(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(false);
    }, 1000);
    socket.once('message', () => {
      clearTimeout(timer);
      socket.close();
      resolve(true);
    });
    socket.bind(0, '127.0.0.1', () =>
      socket.send(Buffer.from('\x00\x01probe\x00octet\x00', 'latin1'), port, '127.0.0.1'),
    );
  });
}

function panel(): Locator {
  return page.getByRole('region', { name: 'TFTP server' });
}

function statusLine(): Locator {
  return panel().getByRole('status');
}

async function startServer(port: number, uploads: boolean): Promise<void> {
  await panel().getByRole('textbox', { name: 'TFTP folder' }).fill(folder);
  await panel().getByRole('textbox', { name: 'TFTP address' }).fill('127.0.0.1');
  await panel().getByRole('textbox', { name: 'TFTP port' }).fill(String(port));
  const allowUploads = panel().getByRole('checkbox', { name: 'Allow uploads' });
  if (uploads) await allowUploads.check();
  else await allowUploads.uncheck();
  await panel().getByRole('button', { name: 'Start server' }).click();
  const access = uploads ? 'uploads allowed' : 'read-only';
  // A refused start shows an alert and leaves "Stopped": report the alert's words, not only the status.
  const outcome = async (): Promise<string> => {
    const alert = panel().getByRole('alert');
    return (await alert.isVisible())
      ? `alert: ${(await alert.textContent()) ?? ''}`
      : ((await statusLine().textContent()) ?? '');
  };
  await expect.poll(outcome).toBe(`Serving ${folder} on 127.0.0.1:${port} (${access})`);
}

async function stopServer(): Promise<void> {
  await panel().getByRole('button', { name: 'Stop server' }).click();
  await expect.poll(() => statusLine().textContent()).toBe('Stopped');
  await expect.poll(() => panel().getByRole('button', { name: 'Start server' }).isEnabled()).toBe(true);
}

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-e2e-tftp-'));
  local = await mkdtemp(join(tmpdir(), 'ferry-e2e-tftp-client-'));
  ({ page, errors } = await openApp());
  await expect.poll(() => panel().isVisible()).toBe(true);
  return async () => {
    // The server belongs to browser mode, not the page: stop it for the next test even after a failure.
    if (await panel().getByRole('button', { name: 'Stop server' }).isVisible()) await stopServer();
    await page.close();
    await rm(folder, { recursive: true, force: true });
    await rm(local, { recursive: true, force: true });
  };
});

describe('the TFTP server panel', () => {
  it('keeps every region and suggests a high port and the local folder', async () => {
    for (const name of ['Local files', 'Remote files', 'Transfer queue', 'Message log', 'TFTP server']) {
      await expect.poll(() => page.getByRole('region', { name }).isVisible()).toBe(true);
    }
    expect(await panel().getByRole('textbox', { name: 'TFTP port' }).inputValue()).toBe('6969');
    expect(await panel().getByRole('textbox', { name: 'TFTP address' }).inputValue()).toBe('127.0.0.1');
    const localPath = page.getByRole('region', { name: 'Local files' }).getByRole('textbox', { name: 'Local path' });
    await expect.poll(() => localPath.inputValue()).not.toBe('');
    expect(await panel().getByRole('textbox', { name: 'TFTP folder' }).inputValue()).toBe(await localPath.inputValue());
    expect(
      await panel()
        .getByText(/Port 69 .* needs administrator privileges/)
        .isVisible(),
    ).toBe(true);
    expect(await statusLine().textContent()).toBe('Stopped');
    expect(errors).toEqual([]);
  });

  it('serves a file to tftp, lists the transfer live, and stops', async () => {
    const content = randomBytes(300_000);
    await writeFile(join(folder, 'router.img'), content);
    const port = await freeUdpPort();
    await startServer(port, false);
    expect(await answersRequest(port)).toBe(true);

    const target = join(local, 'router.img');
    const run = await tftp(port, `get router.img ${target}`);
    expect(run.code, run.output).toBe(0);
    expect((await readFile(target)).equals(content)).toBe(true);

    const row = panel().getByRole('table', { name: 'TFTP transfers' }).getByRole('row', { name: 'router.img' });
    await expect.poll(() => row.textContent()).toMatch(/^127\.0\.0\.1:\d+router\.imgSent293 KiBdone$/);

    // Read-only: an upload is refused, and says so in the list.
    const source = join(local, 'upload.bin');
    await writeFile(source, 'x');
    // tftp-hpa exits 0 even when the server refuses; it prints the TFTP error instead.
    expect((await tftp(port, `put ${source} upload.bin`)).output).toContain('Error code 2');
    const refused = panel().getByRole('row', { name: 'upload.bin' });
    await expect.poll(() => refused.textContent()).toContain('failed: Uploads are not allowed');

    await stopServer();
    expect(await answersRequest(port)).toBe(false);
    expect(errors).toEqual([]);
  });

  it('accepts uploads when allowed', async () => {
    const port = await freeUdpPort();
    await startServer(port, true);
    const content = randomBytes(70_000);
    const source = join(local, 'config.txt');
    await writeFile(source, content);
    const run = await tftp(port, `put ${source} config.txt`);
    expect(run.code, run.output).toBe(0);
    expect((await readFile(join(folder, 'config.txt'))).equals(content)).toBe(true);
    const row = panel().getByRole('row', { name: 'config.txt' });
    await expect.poll(() => row.textContent()).toContain('Received');
    await expect.poll(() => row.textContent()).toContain('done');
    await stopServer();
    expect(errors).toEqual([]);
  });

  it('says why it cannot start', async () => {
    await panel().getByRole('textbox', { name: 'TFTP folder' }).fill(join(folder, 'missing'));
    await panel()
      .getByRole('textbox', { name: 'TFTP port' })
      .fill(String(await freeUdpPort()));
    await panel().getByRole('button', { name: 'Start server' }).click();
    await expect.poll(() => panel().getByRole('alert').textContent()).toContain('does not exist');
    expect(await statusLine().textContent()).toBe('Stopped');
  });
});
