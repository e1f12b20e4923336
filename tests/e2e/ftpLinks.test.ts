import { randomBytes } from 'node:crypto';
import { chown, lchown, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadServers } from '../servers/config.js';
import { useBrowserMode } from './browserMode.js';

// Symbolic links in a vsftpd folder, whose LIST says "name -> target" and
// nothing about the target: shown as links (not broken ones), opened as a
// folder when they are one and downloaded when they are a file, as in
// FileZilla, and a broken one says so.

const servers = loadServers();
const user = servers.users.password;
const openApp = useBrowserMode();
const content = randomBytes(5000);
let page: Page;
let errors: string[];
let local: string;
let remote: string;

const localPane = (): Locator => page.getByRole('region', { name: 'Local files' });
const remotePane = (): Locator => page.getByRole('region', { name: 'Remote files' });
const queue = (): Locator => page.getByRole('region', { name: 'Transfer queue' });
const row = (pane: Locator, name: string): Locator => pane.getByRole('row', { name, exact: true });
const cells = (pane: Locator, name: string): Promise<string[]> => row(pane, name).getByRole('gridcell').allInnerTexts();

async function openFolder(pane: Locator, label: string, path: string): Promise<void> {
  const box = pane.getByRole('textbox', { name: label });
  await expect.poll(() => box.isEnabled()).toBe(true);
  await box.fill(path);
  await box.press('Enter');
  await expect.poll(() => box.inputValue()).toBe(path);
}

async function owned(path: string, make: () => Promise<void>, link = false): Promise<void> {
  await make();
  await (link ? lchown : chown)(path, user.uid, user.gid);
}

beforeEach(async () => {
  local = await mkdtemp(join(tmpdir(), 'ferry-e2e-links-'));
  remote = join(user.home, `e2e-links-${randomBytes(4).toString('hex')}`);
  await owned(remote, () => mkdir(remote));
  await owned(join(remote, 'small.bin'), () => writeFile(join(remote, 'small.bin'), content));
  await owned(join(remote, 'sub'), () => mkdir(join(remote, 'sub')));
  await owned(join(remote, 'sub', 'inner.txt'), () => writeFile(join(remote, 'sub', 'inner.txt'), 'inside\n'));
  for (const [target, name] of [
    ['sub', 'link-to-sub'],
    ['small.bin', 'link-to-file'],
    ['nowhere', 'broken-link'],
  ] as const) {
    await owned(join(remote, name), () => symlink(target, join(remote, name)), true);
  }
  ({ page, errors } = await openApp({ width: 1400, height: 900 }));
  await expect.poll(() => localPane().getByRole('textbox', { name: 'Local path' }).inputValue()).not.toBe('');
  await openFolder(localPane(), 'Local path', local);
  await page.getByRole('combobox', { name: 'Protocol' }).selectOption({ label: 'FTP' });
  await page.getByRole('textbox', { name: 'Host', exact: true }).fill('127.0.0.1');
  await page.getByRole('textbox', { name: 'Port', exact: true }).fill(String(servers.ftp.port));
  await page.getByRole('textbox', { name: 'Username', exact: true }).fill(user.name);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect.poll(() => remotePane().getByRole('textbox', { name: 'Remote path' }).inputValue()).toBe(user.home);
  await openFolder(remotePane(), 'Remote path', remote);
  return async () => {
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.close();
    await rm(local, { recursive: true, force: true });
    await rm(remote, { recursive: true, force: true });
  };
});

describe('links on an FTP server', () => {
  it('shows each as a link without a size, and downloads a link to a file on double-click', async () => {
    await expect
      .poll(() => cells(remotePane(), 'link-to-file'))
      .toEqual(['link-to-file', '', 'Link', expect.any(String), 'rwxrwxrwx']);
    expect((await cells(remotePane(), 'broken-link'))[2]).toBe('Link');
    await row(remotePane(), 'link-to-file').dblclick();
    await expect.poll(() => readFile(join(local, 'link-to-file')).catch(() => null)).toEqual(content);
    // The row now shows what the link leads to.
    expect((await cells(remotePane(), 'link-to-file')).slice(1, 3)).toEqual(['4.9 KiB', 'Link']);
    expect(await remotePane().getByRole('textbox', { name: 'Remote path' }).inputValue()).toBe(remote);
    expect(errors).toEqual([]);
  });

  it('opens a link to a folder on double-click, and says a broken link is broken', async () => {
    await row(remotePane(), 'broken-link').dblclick();
    await expect
      .poll(() => remotePane().getByRole('alert').textContent())
      .toContain('"broken-link" seems to be a broken link');
    expect((await cells(remotePane(), 'broken-link'))[2]).toBe('Broken link');
    await row(remotePane(), 'link-to-sub').dblclick();
    await expect
      .poll(() => remotePane().getByRole('textbox', { name: 'Remote path' }).inputValue())
      .toBe(`${remote}/link-to-sub`);
    await expect.poll(() => row(remotePane(), 'inner.txt').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('downloads a link to a folder as a folder, and a link to a file, with the Download button', async () => {
    await row(remotePane(), 'link-to-sub').click();
    await row(remotePane(), 'link-to-file').click({ modifiers: ['Control'] });
    await remotePane().getByRole('button', { name: 'Download', exact: true }).click();
    await expect
      .poll(() => readFile(join(local, 'link-to-sub', 'inner.txt'), 'utf8').catch(() => null))
      .toBe('inside\n');
    await expect.poll(() => readFile(join(local, 'link-to-file')).catch(() => null)).toEqual(content);
    await expect
      .poll(() =>
        queue()
          .getByRole('tab', { name: /Failed/ })
          .textContent(),
      )
      .toContain('(0)');
    expect(errors).toEqual([]);
  });
});
