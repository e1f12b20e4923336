import { describe, it, expect } from 'vitest';
import { fileEntrySchema } from '../../../shared/entrySchemas.js';
import { isFolderLike, sortEntries, type FileEntry, type SortKey, type SortOrder } from '../../../shared/entries.js';

function entry(name: string, fields: Partial<FileEntry> = {}): FileEntry {
  return {
    name,
    type: 'file',
    size: 0,
    modified: null,
    permissions: null,
    hidden: name.startsWith('.'),
    ...fields,
  };
}

const names = (entries: readonly FileEntry[]): string[] => entries.map((e) => e.name);
const asc = (key: SortKey): SortOrder => ({ key, direction: 'ascending' });
const desc = (key: SortKey): SortOrder => ({ key, direction: 'descending' });

describe('isFolderLike', () => {
  it('is true for a folder and a link to a folder', () => {
    expect(isFolderLike(entry('d', { type: 'directory' }))).toBe(true);
    expect(isFolderLike(entry('l', { type: 'symlink', linkTarget: 'd', linkTargetType: 'directory' }))).toBe(true);
  });

  it('is false for files, other entries, links to files and broken links', () => {
    expect(isFolderLike(entry('f'))).toBe(false);
    expect(isFolderLike(entry('o', { type: 'other' }))).toBe(false);
    expect(isFolderLike(entry('l', { type: 'symlink', linkTarget: 'f', linkTargetType: 'file' }))).toBe(false);
    expect(isFolderLike(entry('b', { type: 'symlink', linkTarget: 'gone' }))).toBe(false);
  });

  it('ignores linkTargetType on anything but a symlink', () => {
    expect(isFolderLike(entry('f', { linkTargetType: 'directory' }))).toBe(false);
  });
});

describe('sortEntries', () => {
  const folderB = entry('b-folder', { type: 'directory', modified: 5 });
  const folderA = entry('A-folder', { type: 'directory', modified: 50 });
  const linkToFolder = entry('m-link', { type: 'symlink', linkTarget: '/x', linkTargetType: 'directory' });
  const big = entry('big.iso', { size: 4_000_000, modified: 300, permissions: 'rw-r--r--' });
  const small = entry('small.txt', { size: 10, modified: 100, permissions: 'rwxr-xr-x' });
  const medium = entry('medium.TXT', { size: 500, modified: 200, permissions: 'rw-------' });
  const all = [big, folderB, small, linkToFolder, medium, folderA];

  it('does not change its input', () => {
    const input = [...all];
    sortEntries(input, asc('name'));
    expect(input).toEqual(all);
  });

  it('puts folders (and links to folders) first, ascending by name, case-insensitively', () => {
    expect(names(sortEntries(all, asc('name')))).toEqual([
      'A-folder',
      'b-folder',
      'm-link',
      'big.iso',
      'medium.TXT',
      'small.txt',
    ]);
  });

  it('keeps folders first when descending', () => {
    expect(names(sortEntries(all, desc('name')))).toEqual([
      'm-link',
      'b-folder',
      'A-folder',
      'small.txt',
      'medium.TXT',
      'big.iso',
    ]);
  });

  it('sorts by size both ways, folders first', () => {
    expect(names(sortEntries(all, asc('size')))).toEqual([
      'A-folder',
      'b-folder',
      'm-link',
      'small.txt',
      'medium.TXT',
      'big.iso',
    ]);
    expect(names(sortEntries(all, desc('size'))).slice(3)).toEqual(['big.iso', 'medium.TXT', 'small.txt']);
    expect(names(sortEntries(all, desc('size'))).slice(0, 3)).toEqual(['A-folder', 'b-folder', 'm-link']);
  });

  it('sorts by modification time both ways', () => {
    expect(names(sortEntries(all, asc('modified')))).toEqual([
      'm-link', // folders: null first, then 5, then 50
      'b-folder',
      'A-folder',
      'small.txt',
      'medium.TXT',
      'big.iso',
    ]);
    expect(names(sortEntries(all, desc('modified')))).toEqual([
      'A-folder',
      'b-folder',
      'm-link',
      'big.iso',
      'medium.TXT',
      'small.txt',
    ]);
  });

  it('puts unknown modification times first ascending and last descending, ties by name', () => {
    const list = [entry('z', { modified: 10 }), entry('y'), entry('x', { modified: 5 }), entry('w')];
    expect(names(sortEntries(list, asc('modified')))).toEqual(['w', 'y', 'x', 'z']);
    expect(names(sortEntries(list, desc('modified')))).toEqual(['z', 'x', 'w', 'y']);
  });

  it('sorts by permissions, null as the empty string', () => {
    const list = [small, medium, big, entry('none')];
    expect(names(sortEntries(list, asc('permissions')))).toEqual(['none', 'medium.TXT', 'big.iso', 'small.txt']);
    expect(names(sortEntries(list, desc('permissions')))).toEqual(['small.txt', 'big.iso', 'medium.TXT', 'none']);
  });

  it('sorts by type: the extension, case-insensitive, then name', () => {
    const list = [
      entry('b.txt'),
      entry('a.ISO'),
      entry('noext'),
      entry('.hidden'), // a leading dot is not an extension
      entry('c.TXT'),
      entry('dev', { type: 'other' }),
      entry('lnk', { type: 'symlink', linkTarget: 'f', linkTargetType: 'file' }),
      entry('dir', { type: 'directory' }),
    ];
    expect(names(sortEntries(list, asc('type')))).toEqual([
      'dir',
      '.hidden',
      'noext',
      'a.ISO',
      'lnk',
      'dev',
      'b.txt',
      'c.TXT',
    ]);
  });

  it('breaks ties by name ascending whatever the direction', () => {
    const list = [entry('c', { size: 1 }), entry('a', { size: 1 }), entry('b', { size: 1 }), entry('z', { size: 2 })];
    expect(names(sortEntries(list, asc('size')))).toEqual(['a', 'b', 'c', 'z']);
    expect(names(sortEntries(list, desc('size')))).toEqual(['z', 'a', 'b', 'c']);
  });

  it('compares numbers in names by value', () => {
    const list = ['file10', 'file2', 'file1', 'file20', 'File3'].map((n) => entry(n));
    expect(names(sortEntries(list, asc('name')))).toEqual(['file1', 'file2', 'File3', 'file10', 'file20']);
    expect(names(sortEntries(list, desc('name')))).toEqual(['file20', 'file10', 'File3', 'file2', 'file1']);
  });

  it('returns an empty list for an empty listing', () => {
    expect(sortEntries([], asc('name'))).toEqual([]);
  });
});

describe('fileEntrySchema', () => {
  it('refuses a negative size and display strings for numbers', () => {
    expect(fileEntrySchema.safeParse(entry('x', { size: -1 })).success).toBe(false);
    expect(fileEntrySchema.safeParse({ ...entry('x'), size: '1 KiB' }).success).toBe(false);
    expect(fileEntrySchema.safeParse(entry('x', { size: 1, modified: 0 })).success).toBe(true);
  });
});
