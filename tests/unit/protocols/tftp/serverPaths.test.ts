import { mkdir, mkdtemp, open, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInside } from '../../../../electron/core/local/isInside.js';
import {
  confirmFolderUnchanged,
  confirmOpenedInside,
  requestSegments,
  uploadInProgressPath,
  resolveReadPath,
  resolveWriteTarget,
} from '../../../../electron/core/protocols/tftp/serverPaths.js';

let base: string;
let root: string;
let outside: string;

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'ferry-tftp-paths-')));
  root = join(base, 'root');
  outside = join(base, 'outside');
  await mkdir(join(root, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(root, 'file.bin'), 'x');
  await writeFile(join(root, 'sub', 'inner.bin'), 'y');
  await writeFile(join(outside, 'secret'), 'z');
  await symlink(join(outside, 'secret'), join(root, 'out-link'));
  await symlink(outside, join(root, 'out-dir'));
  await symlink(join(root, 'file.bin'), join(root, 'in-link'));
  await symlink(join(root, 'missing'), join(root, 'dangling'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('TFTP server name rules', () => {
  it('splits names on both separators and drops empty and "." segments', () => {
    expect(requestSegments('a/b\\c')).toEqual(['a', 'b', 'c']);
    expect(requestSegments('./a//b/')).toEqual(['a', 'b']);
  });

  it('refuses absolute paths, drive letters, ".." and control characters', () => {
    for (const name of ['/etc/passwd', '\\x', 'C:x', 'c:\\x', '..', 'a/../../b', 'a\\..\\b', 'a\nb', '.', '']) {
      expect(() => requestSegments(name), JSON.stringify(name)).toThrow(
        expect.objectContaining({ code: 'PERMISSION_DENIED' }),
      );
    }
  });

  it('refuses hidden names in any segment, the hidden names of uploads in progress among them', () => {
    const inProgress = uploadInProgressPath('/srv/tftp/sub', 'ios.bin');
    expect(inProgress.startsWith('/srv/tftp/sub/.ios.bin.')).toBe(true);
    for (const name of [inProgress.slice('/srv/tftp/'.length), '.ssh/id_ed25519', 'a/.git/config', '.profile']) {
      expect(() => requestSegments(name), name).toThrow(expect.objectContaining({ code: 'PERMISSION_DENIED' }));
    }
    const long = 'n'.repeat(250);
    expect(basename(uploadInProgressPath('/srv/tftp', long))).toMatch(/^\.[0-9a-f]{12}\.ferry-upload$/);
    expect(requestSegments('x.ferry-upload.txt')).toEqual(['x.ferry-upload.txt']);
    expect(requestSegments('pxelinux.cfg/default')).toEqual(['pxelinux.cfg', 'default']);
  });

  it('knows what is inside a folder, not just what starts with its name', () => {
    expect(isInside('/srv/tftp', '/srv/tftp')).toBe(true);
    expect(isInside('/srv/tftp', '/srv/tftp/a')).toBe(true);
    expect(isInside('/srv/tftp', '/srv/tftp-other/a')).toBe(false);
    expect(isInside('/', '/etc')).toBe(true);
  });
});

describe('resolving names against the served folder', () => {
  it('reads files inside, through links that stay inside', async () => {
    expect(await resolveReadPath(root, 'file.bin')).toBe(join(root, 'file.bin'));
    expect(await resolveReadPath(root, 'sub\\inner.bin')).toBe(join(root, 'sub', 'inner.bin'));
    expect(await resolveReadPath(root, 'in-link')).toBe(join(root, 'file.bin'));
  });

  it('refuses links leading out, and says NOT_FOUND for missing files and folders', async () => {
    await expect(resolveReadPath(root, 'out-link')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(resolveReadPath(root, 'out-dir/secret')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(resolveReadPath(root, 'missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(resolveReadPath(root, 'dangling')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(resolveReadPath(root, 'sub')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('finds where an upload goes and whether something is there', async () => {
    expect(await resolveWriteTarget(root, 'new.bin')).toEqual({
      path: join(root, 'new.bin'),
      folder: root,
      name: 'new.bin',
      exists: false,
    });
    expect((await resolveWriteTarget(root, 'sub/inner.bin')).exists).toBe(true);
    expect((await resolveWriteTarget(root, 'in-link')).exists).toBe(true);
  });

  it('refuses uploads out of the folder, over folders, or into missing folders', async () => {
    await expect(resolveWriteTarget(root, 'out-dir/new')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(resolveWriteTarget(root, 'out-link')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(resolveWriteTarget(root, 'dangling')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(resolveWriteTarget(root, 'sub')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(resolveWriteTarget(root, 'nope/new.bin')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('a folder swapped for a symlink between the check and the open', () => {
  it('is caught after the open, whichever way the swap went', async () => {
    // A folder inside the root, and a look-alike outside it.
    await mkdir(join(root, 'swap'));
    await writeFile(join(root, 'swap', 'data'), 'inside');
    await mkdir(join(outside, 'swap'));
    await writeFile(join(outside, 'swap', 'data'), 'outside');
    const path = await resolveReadPath(root, 'swap/data');
    // Swapped after the check: the open goes through the link, outside.
    await rename(join(root, 'swap'), join(base, 'swap-parked'));
    await symlink(join(outside, 'swap'), join(root, 'swap'));
    const handle = await open(path, 'r');
    try {
      await expect(confirmOpenedInside(root, path, handle, 'swap/data')).rejects.toMatchObject({
        code: 'PERMISSION_DENIED',
      });
      // Swapped back before the confirmation: the path leads inside again, but not to what was opened.
      await rm(join(root, 'swap'));
      await rename(join(base, 'swap-parked'), join(root, 'swap'));
      await expect(confirmOpenedInside(root, path, handle, 'swap/data')).rejects.toMatchObject({
        code: 'PERMISSION_DENIED',
      });
    } finally {
      await handle.close();
    }
    // Nothing swapped: confirmed.
    const plain = await open(path, 'r');
    try {
      await expect(confirmOpenedInside(root, path, plain, 'swap/data')).resolves.toBeUndefined();
    } finally {
      await plain.close();
    }
  });

  it('is caught before an upload is moved into place', async () => {
    await mkdir(join(root, 'drop'));
    const target = await resolveWriteTarget(root, 'drop/new.bin');
    await expect(confirmFolderUnchanged(target.folder, 'drop/new.bin')).resolves.toBeUndefined();
    await rename(join(root, 'drop'), join(base, 'drop-parked'));
    await symlink(outside, join(root, 'drop'));
    await expect(confirmFolderUnchanged(target.folder, 'drop/new.bin')).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });
});
