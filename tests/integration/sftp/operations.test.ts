// Listing, metadata and file operations against the shared OpenSSH sshd.
import { createHash } from 'node:crypto';
import { chown, lstat, mkdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SftpFileSystem } from '../../../electron/core/protocols/sftp/sftpFileSystem.js';
import { FerryError } from '../../../shared/errors.js';
import { keyUser, openSession, removeAll, removeDataFolders, sha256, uniqueName } from './sftpTestKit.js';

let remote: SftpFileSystem;
let folder = '';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof FerryError ? error.code : `not a FerryError: ${String(error)}`),
  );
}

async function ownedByKeyUser(path: string): Promise<void> {
  await chown(path, keyUser.uid, keyUser.gid);
}

beforeAll(async () => {
  folder = join(keyUser.home, uniqueName('ops'));
  await mkdir(folder);
  await ownedByKeyUser(folder);
  await writeFile(join(folder, 'file.txt'), 'hello\n');
  await ownedByKeyUser(join(folder, 'file.txt'));
  await mkdir(join(folder, 'sub'));
  await ownedByKeyUser(join(folder, 'sub'));
  await symlink('file.txt', join(folder, 'link-to-file'));
  await symlink('sub', join(folder, 'link-to-sub'));
  await symlink('missing', join(folder, 'broken-link'));
  // Names a real server happily serves: control characters, a newline, a quote.
  for (const name of ['ctl\u0001\u001b[31m', 'new\nline', "it's", '.hidden']) {
    await writeFile(join(folder, name), 'x');
    await ownedByKeyUser(join(folder, name));
  }
  remote = await openSession();
});

afterAll(async () => {
  await remote.close();
  await removeAll(folder);
  await removeDataFolders();
});

describe('SFTP listing and metadata', () => {
  it('lists types, sizes, times, permissions, owners and link targets', async () => {
    const entries = await remote.list(folder);
    const byName = new Map(entries.map((entry) => [entry.name, entry]));
    const info = await stat(join(folder, 'file.txt'));
    expect(byName.get('file.txt')).toEqual({
      name: 'file.txt',
      type: 'file',
      size: 6,
      modified: Math.floor(info.mtimeMs / 1000) * 1000,
      permissions: 'rw-r--r--',
      hidden: false,
      owner: keyUser.name,
      group: keyUser.name,
    });
    expect(byName.get('sub')).toMatchObject({ type: 'directory', size: 0, permissions: 'rwxr-xr-x' });
    expect(byName.get('link-to-file')).toMatchObject({
      type: 'symlink',
      linkTarget: 'file.txt',
      linkTargetType: 'file',
      size: 6,
    });
    expect(byName.get('link-to-sub')).toMatchObject({
      type: 'symlink',
      linkTarget: 'sub',
      linkTargetType: 'directory',
    });
    const broken = byName.get('broken-link');
    expect(broken).toMatchObject({ type: 'symlink', linkTarget: 'missing' });
    expect(broken?.linkTargetType).toBeUndefined();
    expect(byName.get('.hidden')?.hidden).toBe(true);
  });

  it('keeps odd names exactly as the server sends them', async () => {
    const names = (await remote.list(folder)).map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining(['ctl\u0001\u001b[31m', 'new\nline', "it's"]));
    expect(names).not.toContain('.');
    expect(names).not.toContain('..');
  });

  it('stats files, folders and links, and says NOT_FOUND for what is not there', async () => {
    expect(await remote.stat(join(folder, 'file.txt'))).toMatchObject({ name: 'file.txt', type: 'file', size: 6 });
    expect(await remote.stat(join(folder, 'sub'))).toMatchObject({ type: 'directory' });
    expect(await remote.stat(join(folder, 'link-to-file'))).toMatchObject({ type: 'symlink', linkTargetType: 'file' });
    expect(await codeOf(remote.stat(join(folder, 'nothing-here')))).toBe('NOT_FOUND');
    expect(await codeOf(remote.list(join(folder, 'nothing-here')))).toBe('NOT_FOUND');
  });

  it('says PERMISSION_DENIED for a folder the user may not read', async () => {
    expect(await codeOf(remote.list('/root'))).toBe('PERMISSION_DENIED');
  });
});

describe('SFTP file operations', () => {
  it('creates and removes folders, with precise errors', async () => {
    const made = join(folder, 'made');
    await remote.mkdir(made);
    expect((await lstat(made)).isDirectory()).toBe(true);
    expect(await codeOf(remote.mkdir(made))).toBe('ALREADY_EXISTS');
    expect(await codeOf(remote.mkdir(join(folder, 'no', 'parent')))).toBe('NOT_FOUND');
    await writeFile(join(made, 'inside'), 'x');
    expect(await codeOf(remote.rmdir(made))).toBe('ALREADY_EXISTS');
    await remote.delete(join(made, 'inside'));
    await remote.rmdir(made);
    expect(await codeOf(lstat(made))).toContain('ENOENT');
  });

  it('renames over an existing file (posix-rename) and deletes', async () => {
    await writeFile(join(folder, 'a'), 'AAA');
    await writeFile(join(folder, 'b'), 'B');
    expect(remote.extensions.has('posix-rename@openssh.com')).toBe(true);
    await remote.rename(join(folder, 'a'), join(folder, 'b'));
    expect(await readFile(join(folder, 'b'), 'utf8')).toBe('AAA');
    expect(await codeOf(remote.rename(join(folder, 'a'), join(folder, 'c')))).toBe('NOT_FOUND');
    await remote.delete(join(folder, 'b'));
    expect(await codeOf(remote.delete(join(folder, 'b')))).toBe('NOT_FOUND');
  });

  it('changes permissions and modification times', async () => {
    const path = join(folder, 'perm.txt');
    await writeFile(path, 'p');
    await ownedByKeyUser(path);
    await remote.chmod(path, 0o640);
    expect((await stat(path)).mode & 0o7777).toBe(0o640);
    const when = new Date('2020-02-29T12:34:56Z');
    await remote.setModified(path, when);
    expect((await stat(path)).mtimeMs).toBe(when.getTime());
    expect((await remote.stat(path)).modified).toBe(when.getTime());
    await utimes(path, new Date(), new Date());
  });

  it('cancels a metadata call and keeps the session usable', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await codeOf(remote.list(folder, controller.signal))).toBe('CANCELED');
    expect((await remote.list(folder)).length).toBeGreaterThan(0);
  });
});

describe('SFTP remote hashes', () => {
  it('offers no hash when OpenSSH has no check-file and no shell hash is allowed', async () => {
    expect(remote.capabilities.hash).toEqual([]);
    expect(await codeOf(remote.hash(join(folder, 'file.txt'), 'sha256'))).toBe('UNSUPPORTED');
  });

  it('hashes over an exec channel when the site allows it, whatever the name', async () => {
    const withShell = await openSession({ sftp: { allowRemoteHashCommand: true } });
    try {
      expect(withShell.capabilities.hash).toEqual(['sha256', 'sha1', 'md5']);
      for (const name of ['file.txt', "it's", 'new\nline', 'ctl\u0001\u001b[31m']) {
        const content = await readFile(join(folder, name));
        expect(await withShell.hash(join(folder, name), 'sha256')).toBe(sha256(content));
      }
      expect(await withShell.hash(join(folder, 'file.txt'), 'md5')).toBe('b1946ac92492d2347c6235b4d2611184');
      expect(await codeOf(withShell.hash(join(folder, 'nothing-here'), 'sha256'))).toBe('NOT_FOUND');
      const dash = join(folder, '-n');
      await writeFile(dash, 'dash');
      expect(await withShell.hash(dash, 'sha1')).toBe(createHash('sha1').update('dash').digest('hex'));
      const backslashes = join(folder, "back\\slash\\'q");
      await writeFile(backslashes, 'slashes');
      expect(await withShell.hash(backslashes, 'sha256')).toBe(sha256(Buffer.from('slashes')));
    } finally {
      await withShell.close();
    }
  });

  it('settles a shell hash canceled while its channel opens, and the session goes on', async () => {
    const withShell = await openSession({ sftp: { allowRemoteHashCommand: true } });
    try {
      const controller = new AbortController();
      const hashing = withShell.hash(join(folder, 'file.txt'), 'sha256', controller.signal);
      controller.abort();
      expect(await codeOf(hashing)).toBe('CANCELED');
      expect(await withShell.hash(join(folder, 'file.txt'), 'md5')).toBe('b1946ac92492d2347c6235b4d2611184');
    } finally {
      await withShell.close();
    }
  });
});
