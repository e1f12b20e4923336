import {
  chmod,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { FileEntry, FolderListing } from '../../../shared/entries.js';
import { folderListingSchema } from '../../../shared/entrySchemas.js';
import { FerryError, type FerryErrorCode } from '../../../shared/errors.js';
import { LocalFileSystem } from '../../../electron/core/local/localFileSystem.js';

async function rejection(promise: Promise<unknown>): Promise<FerryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FerryError) return error;
    throw new Error(`expected a FerryError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail');
}

async function expectFailure(promise: Promise<unknown>, code: FerryErrorCode, ...words: string[]): Promise<void> {
  const error = await rejection(promise);
  expect(error.code).toBe(code);
  for (const word of words) expect(error.message).toContain(word);
}

function byName(listing: FolderListing, name: string): FileEntry {
  const found = listing.entries.find((e) => e.name === name);
  if (!found) throw new Error(`no entry ${name} in ${listing.entries.map((e) => e.name).join(', ')}`);
  return found;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

describe('LocalFileSystem', () => {
  const fs = new LocalFileSystem();
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ferry-local-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('list', () => {
    it('lists files and folders with type, size, time, permissions and hidden flag', async () => {
      await writeFile(join(root, 'hello.txt'), 'hello world');
      await writeFile(join(root, '.secret'), 'xy');
      await mkdir(join(root, 'docs'));
      await mkdir(join(root, '.config'));
      await chmod(join(root, 'hello.txt'), 0o640);
      await chmod(join(root, 'docs'), 0o750);
      const when = new Date('2021-06-15T12:34:56.000Z');
      await utimes(join(root, 'hello.txt'), when, when);

      const listing = await fs.list(root);
      expect(folderListingSchema.parse(listing)).toEqual(listing);
      expect(listing.path).toBe(root);
      expect(listing.separator).toBe('/');
      expect(listing.parent).toBe(tmpdir());
      expect(listing.entries.map((e) => e.name).sort()).toEqual(['.config', '.secret', 'docs', 'hello.txt']);

      expect(byName(listing, 'hello.txt')).toEqual({
        name: 'hello.txt',
        type: 'file',
        size: 11,
        modified: when.getTime(),
        permissions: 'rw-r-----',
        hidden: false,
      });
      expect(byName(listing, '.secret')).toMatchObject({ type: 'file', size: 2, hidden: true });
      expect(byName(listing, 'docs')).toMatchObject({
        type: 'directory',
        size: 0,
        permissions: 'rwxr-x---',
        hidden: false,
      });
      expect(byName(listing, '.config')).toMatchObject({ type: 'directory', hidden: true });
      expect(byName(listing, 'docs').linkTarget).toBeUndefined();
      expect(byName(listing, 'docs').linkTargetType).toBeUndefined();
    });

    it('lists an empty folder', async () => {
      expect((await fs.list(root)).entries).toEqual([]);
    });

    it('describes a symlink to a folder with its target and the target type', async () => {
      await mkdir(join(root, 'real'));
      await symlink('real', join(root, 'link'));
      const link = byName(await fs.list(root), 'link');
      expect(link).toMatchObject({ type: 'symlink', linkTarget: 'real', linkTargetType: 'directory', size: 0 });
    });

    it('describes a symlink to a file with the target size', async () => {
      await writeFile(join(root, 'data.bin'), Buffer.alloc(1234));
      await symlink(join(root, 'data.bin'), join(root, 'abs-link'));
      const link = byName(await fs.list(root), 'abs-link');
      expect(link).toMatchObject({
        type: 'symlink',
        linkTarget: join(root, 'data.bin'),
        linkTargetType: 'file',
        size: 1234,
      });
    });

    it('lists a broken symlink with its target and no target type', async () => {
      await symlink('nowhere/at/all', join(root, 'broken'));
      const broken = byName(await fs.list(root), 'broken');
      expect(broken.type).toBe('symlink');
      expect(broken.linkTarget).toBe('nowhere/at/all');
      expect(broken.linkTargetType).toBeUndefined();
      expect('linkTargetType' in broken).toBe(false);
    });

    it('normalises the path it is given', async () => {
      await mkdir(join(root, 'sub'));
      const listing = await fs.list(`${root}/sub/../sub/./`);
      expect(listing.path).toBe(join(root, 'sub'));
      expect(listing.parent).toBe(root);
      expect((await fs.list(`${root}//`)).path).toBe(root);
    });

    it('has no parent at the root', async () => {
      const listing = await fs.list('/');
      expect(listing.path).toBe('/');
      expect(listing.parent).toBeNull();
      expect(listing.entries.some((e) => e.name === 'tmp' || e.name === 'etc')).toBe(true);
    });

    it('lists many entries', async () => {
      await Promise.all(Array.from({ length: 150 }, (_, i) => writeFile(join(root, `f${i}`), String(i))));
      const listing = await fs.list(root);
      expect(listing.entries).toHaveLength(150);
      expect(byName(listing, 'f149').size).toBe(3);
    });

    it('fails with NOT_FOUND for a missing folder, naming it', async () => {
      const missing = join(root, 'missing');
      await expectFailure(fs.list(missing), 'NOT_FOUND', 'Cannot list', missing, 'does not exist');
    });

    it('fails with NOT_FOUND for a file', async () => {
      await writeFile(join(root, 'file.txt'), '');
      await expectFailure(fs.list(join(root, 'file.txt')), 'NOT_FOUND', 'is not a folder');
    });
  });

  describe('mkdir', () => {
    it('creates a folder', async () => {
      await fs.mkdir(root, 'new folder');
      expect((await stat(join(root, 'new folder'))).isDirectory()).toBe(true);
    });

    it('fails with ALREADY_EXISTS when the name is taken by a folder or a file', async () => {
      await mkdir(join(root, 'taken'));
      await writeFile(join(root, 'file'), 'x');
      await expectFailure(fs.mkdir(root, 'taken'), 'ALREADY_EXISTS', join(root, 'taken'), 'already exists');
      await expectFailure(fs.mkdir(root, 'file'), 'ALREADY_EXISTS');
      expect(await readFile(join(root, 'file'), 'utf8')).toBe('x');
    });

    it('fails with NOT_FOUND when the folder is missing', async () => {
      await expectFailure(fs.mkdir(join(root, 'nope'), 'x'), 'NOT_FOUND');
    });

    it.each(['', '.', '..', 'a/b', '../escape', 'a\\b', 'nul\0byte', 'line\nbreak', 'x'.repeat(256)])(
      'refuses the unsafe name %j with UNSAFE_NAME and creates nothing',
      async (name) => {
        await expectFailure(fs.mkdir(root, name), 'UNSAFE_NAME', 'Refusing the name');
        expect(await readdir(root)).toEqual([]);
        expect(await exists(join(root, '..', 'escape'))).toBe(false);
      },
    );
  });

  describe('rename', () => {
    it('renames a file and a folder', async () => {
      await writeFile(join(root, 'a.txt'), 'A');
      await mkdir(join(root, 'dir'));
      await fs.rename(root, 'a.txt', 'b.txt');
      await fs.rename(root, 'dir', 'folder');
      expect((await readdir(root)).sort()).toEqual(['b.txt', 'folder']);
      expect(await readFile(join(root, 'b.txt'), 'utf8')).toBe('A');
    });

    it('refuses to replace an existing file and changes nothing', async () => {
      await writeFile(join(root, 'a'), 'A');
      await writeFile(join(root, 'b'), 'B');
      await expectFailure(fs.rename(root, 'a', 'b'), 'ALREADY_EXISTS', '"b" already exists');
      expect(await readFile(join(root, 'a'), 'utf8')).toBe('A');
      expect(await readFile(join(root, 'b'), 'utf8')).toBe('B');
    });

    it('refuses to replace an existing empty folder (which rename(2) would do)', async () => {
      await mkdir(join(root, 'src'));
      await writeFile(join(root, 'src', 'inside'), '1');
      await mkdir(join(root, 'empty'));
      await expectFailure(fs.rename(root, 'src', 'empty'), 'ALREADY_EXISTS');
      expect(await readdir(join(root, 'src'))).toEqual(['inside']);
      expect(await readdir(join(root, 'empty'))).toEqual([]);
    });

    it('refuses to replace a (broken) symlink', async () => {
      await writeFile(join(root, 'a'), 'A');
      await symlink('nowhere', join(root, 'link'));
      await expectFailure(fs.rename(root, 'a', 'link'), 'ALREADY_EXISTS');
      expect((await lstat(join(root, 'link'))).isSymbolicLink()).toBe(true);
    });

    it('refuses to rename onto another name of the same file (a hard link), which rename(2) would ignore', async () => {
      await writeFile(join(root, 'a'), 'A');
      await link(join(root, 'a'), join(root, 'b'));
      await expectFailure(fs.rename(root, 'a', 'b'), 'ALREADY_EXISTS');
      expect((await readdir(root)).sort()).toEqual(['a', 'b']);
    });

    it('renames to the same name with a different case', async () => {
      await writeFile(join(root, 'readme.md'), 'R');
      await fs.rename(root, 'readme.md', 'README.md');
      expect(await readdir(root)).toEqual(['README.md']);
      expect(await readFile(join(root, 'README.md'), 'utf8')).toBe('R');
    });

    it('refuses a case-only rename onto a different file on a case-sensitive disk', async () => {
      await writeFile(join(root, 'a.txt'), 'lower');
      await writeFile(join(root, 'A.txt'), 'upper');
      await expectFailure(fs.rename(root, 'a.txt', 'A.txt'), 'ALREADY_EXISTS');
      expect(await readFile(join(root, 'A.txt'), 'utf8')).toBe('upper');
      expect(await readFile(join(root, 'a.txt'), 'utf8')).toBe('lower');
    });

    it('treats a rename to the very same name as done', async () => {
      await writeFile(join(root, 'same'), 'S');
      await fs.rename(root, 'same', 'same');
      expect(await readFile(join(root, 'same'), 'utf8')).toBe('S');
    });

    it('fails with NOT_FOUND when the source is missing', async () => {
      await expectFailure(fs.rename(root, 'ghost', 'new'), 'NOT_FOUND', 'Cannot rename', 'does not exist');
      await writeFile(join(root, 'existing'), '');
      await expectFailure(fs.rename(root, 'ghost', 'existing'), 'NOT_FOUND');
      expect(await readdir(root)).toEqual(['existing']);
    });

    it('refuses unsafe names on either side with UNSAFE_NAME', async () => {
      await writeFile(join(root, 'a'), 'A');
      await expectFailure(fs.rename(root, 'a', '../a'), 'UNSAFE_NAME', 'path separator');
      await expectFailure(fs.rename(root, 'a', '..'), 'UNSAFE_NAME');
      await expectFailure(fs.rename(root, '../a', 'b'), 'UNSAFE_NAME');
      await expectFailure(fs.rename(root, 'a', 'b\0'), 'UNSAFE_NAME', 'NUL');
      expect(await readdir(root)).toEqual(['a']);
    });
  });

  describe('delete', () => {
    it('deletes files and folder trees', async () => {
      await writeFile(join(root, 'f'), 'x');
      await mkdir(join(root, 'tree', 'deep', 'deeper'), { recursive: true });
      await writeFile(join(root, 'tree', 'deep', 'deeper', 'leaf'), 'x');
      await writeFile(join(root, 'keep'), 'x');
      await fs.delete(root, ['f', 'tree']);
      expect(await readdir(root)).toEqual(['keep']);
    });

    it('deletes a symlink to a folder without touching the folder', async () => {
      const target = await mkdtemp(join(tmpdir(), 'ferry-target-'));
      try {
        await writeFile(join(target, 'precious'), 'keep me');
        await symlink(target, join(root, 'link'));
        await fs.delete(root, ['link']);
        expect(await readdir(root)).toEqual([]);
        expect(await readFile(join(target, 'precious'), 'utf8')).toBe('keep me');
      } finally {
        await rm(target, { recursive: true, force: true });
      }
    });

    it('deletes a broken symlink', async () => {
      await symlink('nowhere', join(root, 'broken'));
      await fs.delete(root, ['broken']);
      expect(await readdir(root)).toEqual([]);
    });

    it('fails with NOT_FOUND for a missing name', async () => {
      await expectFailure(fs.delete(root, ['ghost']), 'NOT_FOUND', 'Cannot delete', join(root, 'ghost'));
    });

    it('checks every name before deleting anything', async () => {
      await writeFile(join(root, 'a'), 'x');
      await expectFailure(fs.delete(root, ['a', '../../etc']), 'UNSAFE_NAME');
      await expectFailure(fs.delete(root, ['a', '..']), 'UNSAFE_NAME');
      await expectFailure(fs.delete(root, ['a', '']), 'UNSAFE_NAME');
      expect(await readdir(root)).toEqual(['a']);
    });
  });

  it('home is an absolute path', () => {
    expect(fs.home().startsWith('/')).toBe(true);
  });
});
