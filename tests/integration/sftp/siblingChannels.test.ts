// More SFTP channels on one logged-in connection (what a transfer pool
// uses when logging in again would ask for a new one-time code), against
// the real sshd: whole transfers both ways on each, at once, and closing
// one leaves the others and the connection working.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FerryError } from '../../../shared/errors.js';
import type { SftpFileSystem } from '../../../electron/core/protocols/sftp/sftpFileSystem.js';
import type { RemoteFileSystem } from '../../../electron/core/remote/remoteFileSystem.js';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { uploadFile } from '../../../electron/core/transfers/uploadFile.js';
import { keyUser, openSession, removeAll, removeDataFolders, sha256, uniqueName } from './sftpTestKit.js';

let owner: SftpFileSystem;
let folder = '';
let local = '';
const content = randomBytes(3 * 1024 * 1024 + 17);

beforeAll(async () => {
  folder = join(keyUser.home, uniqueName('siblings'));
  await mkdir(folder);
  await chown(folder, keyUser.uid, keyUser.gid);
  local = await mkdtemp(join(tmpdir(), 'ferry-sftp-siblings-'));
  await writeFile(join(local, 'source.bin'), content);
  await writeFile(join(folder, 'remote.bin'), content);
  await chown(join(folder, 'remote.bin'), keyUser.uid, keyUser.gid);
  owner = await openSession();
});

afterAll(async () => {
  await owner.close();
  await removeAll(folder, local);
  await removeDataFolders();
});

describe('SFTP channels sharing one connection', () => {
  it('carry whole transfers both ways at once, byte-identical', async () => {
    const siblings: RemoteFileSystem[] = await Promise.all([owner.openSibling(), owner.openSibling()]);
    const [first, second] = siblings;
    if (!first || !second) throw new Error('no siblings');
    try {
      await Promise.all([
        downloadFile(first, join(folder, 'remote.bin'), join(local, 'down.bin')),
        uploadFile(second, join(local, 'source.bin'), join(folder, 'up.bin')),
        downloadFile(owner, join(folder, 'remote.bin'), join(local, 'down-owner.bin')),
      ]);
      const expected = sha256(content);
      expect(sha256(await readFile(join(local, 'down.bin')))).toBe(expected);
      expect(sha256(await readFile(join(local, 'down-owner.bin')))).toBe(expected);
      expect(sha256(await readFile(join(folder, 'up.bin')))).toBe(expected);
    } finally {
      await Promise.all(siblings.map((sibling) => sibling.close()));
    }
  });

  it('close alone: the connection and the other channels go on', async () => {
    const closing = await owner.openSibling();
    const staying = await owner.openSibling();
    await closing.close();
    expect(closing.lost).toBe(true);
    expect((await staying.list(folder)).map((entry) => entry.name)).toContain('remote.bin');
    expect((await owner.list(folder)).map((entry) => entry.name)).toContain('remote.bin');
    expect(owner.lost).toBe(false);
    await staying.close();
  });

  it('outlive the session that opened them: its close leaves their transfers running', async () => {
    const first = await openSession();
    const sibling = await first.openSibling();
    const target = join(local, 'after-close.bin');
    const downloading = downloadFile(sibling, join(folder, 'remote.bin'), target);
    await first.close();
    await downloading;
    expect(sha256(await readFile(target))).toBe(sha256(content));
    expect(sibling.lost).toBe(false);
    expect((await sibling.list(folder)).map((entry) => entry.name)).toContain('remote.bin');
    await sibling.close();
  });

  it('go on when the session beside them gives up on a request the server never answers', async () => {
    const fifo = join(folder, 'never.fifo');
    execFileSync('mkfifo', [fifo]);
    await chown(fifo, keyUser.uid, keyUser.gid);
    const stuck = await openSession({ sftp: { requestTimeout: 500 } });
    const sibling = await stuck.openSibling();
    try {
      // sftp-server blocks opening a FIFO nobody writes: the OPEN is never answered.
      const error = await downloadFile(stuck, fifo, join(local, 'never.bin')).catch((e: unknown) => e);
      expect((error as FerryError).code).toBe('TIMEOUT');
      expect(stuck.lost).toBe(true);
      expect(sibling.lost).toBe(false);
      expect((await sibling.list(folder)).map((entry) => entry.name)).toContain('remote.bin');
    } finally {
      await sibling.close();
      await stuck.close();
      // Unblock the server's open, so its process can end.
      await writeFile(fifo, '').catch(() => undefined);
    }
  });
});
