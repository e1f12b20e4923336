// The TFTP server behind the IPC contract: tftpServer.start/stop/status and
// the tftpServer.status and tftpServer.transfer events, as the window uses them.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFerryServices, type FerryServices } from '../../../electron/ipc/services.js';
import type { Envelope, EventChannel, TftpServerStatus, TftpServerTransfer } from '../../../shared/contract.js';
import { download, freeUdpPort, rawExchange, sha256, tempDir, tftpClient, writeFixture } from './fixtures.js';
import { encodeRequest } from '../../../electron/core/protocols/tftp/packet.js';

let base: string;
let folder: string;
let services: FerryServices;
let pushed: { channel: EventChannel; payload: unknown }[];

function valueOf(envelope: Envelope): unknown {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value;
}

function statusOf(envelope: Envelope): TftpServerStatus {
  return valueOf(envelope) as TftpServerStatus;
}

function errorOf(envelope: Envelope): string {
  if (envelope.ok) throw new Error('expected a failure');
  return envelope.error.code;
}

beforeEach(async () => {
  base = await tempDir('services');
  folder = join(base, 'served');
  await mkdir(folder);
  services = await createFerryServices({ dataFolder: join(base, 'data') });
  pushed = [];
  services.events.connect((channel, payload) => pushed.push({ channel, payload }));
});

afterEach(async () => {
  await services.dispose();
  await rm(base, { recursive: true, force: true });
});

describe('the TFTP server over the IPC contract', () => {
  it('starts, reports each transfer as events, and stops', async () => {
    expect(statusOf(await services.router.invoke('tftpServer.status', [])).running).toBe(false);
    const content = randomBytes(50_000);
    await writeFixture(join(folder, 'image.bin'), content);
    const port = await freeUdpPort();
    const config = { folder, address: '127.0.0.1', port, writable: false, overwrite: false };
    const status = statusOf(await services.router.invoke('tftpServer.start', [config]));
    expect(status).toEqual({ running: true, folder, address: '127.0.0.1', port, writable: false, overwrite: false });
    expect(pushed.filter((e) => e.channel === 'tftpServer.status').map((e) => e.payload)).toEqual([status]);

    expect(sha256(await download(await tftpClient(port), 'image.bin'))).toBe(sha256(content));
    await expect
      .poll(() =>
        pushed
          .filter((e) => e.channel === 'tftpServer.transfer')
          .map((e) => (e.payload as TftpServerTransfer).state)
          .at(-1),
      )
      .toBe('done');
    const transfers = pushed
      .filter((e) => e.channel === 'tftpServer.transfer')
      .map((e) => e.payload as TftpServerTransfer);
    expect(transfers[0]).toMatchObject({ file: 'image.bin', direction: 'read', state: 'running', bytes: 0 });
    expect(transfers.at(-1)).toMatchObject({
      file: 'image.bin',
      state: 'done',
      bytes: content.length,
      size: content.length,
    });
    expect(pushed.some((e) => e.channel === 'log.entry')).toBe(true);

    expect(errorOf(await services.router.invoke('tftpServer.start', [config]))).toBe('INVALID_INPUT');
    const stopped = statusOf(await services.router.invoke('tftpServer.stop', []));
    expect(stopped.running).toBe(false);
    expect(await rawExchange(port, encodeRequest('RRQ', 'image.bin', 'octet'), '127.0.0.1', 500)).toBeNull();
    // Stopping twice is fine.
    expect(statusOf(await services.router.invoke('tftpServer.stop', [])).running).toBe(false);
  });

  it('validates what the window sends', async () => {
    const good = { folder, address: '127.0.0.1', port: 16999, writable: false, overwrite: false };
    for (const bad of [
      { ...good, folder: 'relative/path' },
      { ...good, address: 'localhost' },
      { ...good, address: '' },
      { ...good, port: 0 },
      { ...good, port: 70000 },
      { ...good, writable: 'yes' },
    ]) {
      expect(errorOf(await services.router.invoke('tftpServer.start', [bad])), JSON.stringify(bad)).toBe(
        'INVALID_INPUT',
      );
    }
    expect(
      errorOf(await services.router.invoke('tftpServer.start', [{ ...good, folder: join(base, 'missing') }])),
    ).toBe('NOT_FOUND');
    expect(errorOf(await services.router.invoke('tftpServer.start', [{ ...good, address: '999.1.1.1' }]))).toBe(
      'INVALID_INPUT',
    );
  });

  it('takes starts and stops clicked in quick succession in order, leaving no socket behind', async () => {
    const port = await freeUdpPort();
    await writeFixture(join(folder, 'x.bin'), 'x');
    const config = { folder, address: '127.0.0.1', port, writable: false, overwrite: false };
    // Start, then Stop before the start has finished: the server ends up stopped.
    const [started, stopped] = await Promise.all([
      services.router.invoke('tftpServer.start', [config]),
      services.router.invoke('tftpServer.stop', []),
    ]);
    expect(statusOf(started).running).toBe(true);
    expect(statusOf(stopped).running).toBe(false);
    expect(await rawExchange(port, encodeRequest('RRQ', 'x.bin', 'octet'), '127.0.0.1', 300)).toBeNull();
    // Two starts at once: one serves, the other is told it already runs, and one stop frees the port.
    const [first, second] = await Promise.all([
      services.router.invoke('tftpServer.start', [config]),
      services.router.invoke('tftpServer.start', [config]),
    ]);
    expect(statusOf(first).running).toBe(true);
    expect(errorOf(second)).toBe('INVALID_INPUT');
    expect(statusOf(await services.router.invoke('tftpServer.stop', [])).running).toBe(false);
    expect(statusOf(await services.router.invoke('tftpServer.start', [config])).port).toBe(port);
  });

  it('stops the server when the services are disposed', async () => {
    const port = await freeUdpPort();
    await writeFixture(join(folder, 'x.bin'), 'x');
    valueOf(
      await services.router.invoke('tftpServer.start', [
        { folder, address: '127.0.0.1', port, writable: false, overwrite: false },
      ]),
    );
    await services.dispose();
    await expect.poll(() => rawExchange(port, encodeRequest('RRQ', 'x.bin', 'octet'), '127.0.0.1', 300)).toBeNull();
  });
});
