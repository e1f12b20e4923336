import { describe, expect, it } from 'vitest';
import {
  entryTypeOfMode,
  fileEntryFromAttributes,
  isPlainName,
  ownerAndGroup,
} from '../../../../electron/core/protocols/sftp/sftpEntries.js';

describe('SFTP attributes to entries', () => {
  it('reads the type from the mode, or from the longname when there is no mode', () => {
    expect(entryTypeOfMode(0o040755)).toBe('directory');
    expect(entryTypeOfMode(0o100644)).toBe('file');
    expect(entryTypeOfMode(0o120777)).toBe('symlink');
    expect(entryTypeOfMode(0o010644)).toBe('other');
    expect(entryTypeOfMode(undefined, 'drwxr-xr-x 2 a b 0 Jan 1 00:00 x')).toBe('directory');
    expect(entryTypeOfMode(undefined, 'garbage')).toBe('other');
  });

  it('builds a full entry, keeping the raw name', () => {
    const entry = fileEntryFromAttributes(
      '.a\u0007b',
      { mode: 0o104755, size: 12, mtime: 1_700_000_000, uid: 1000, gid: 1000 },
      '-rwsr-xr-x    1 alice    staff          12 Nov 14 22:13 .a\u0007b',
    );
    expect(entry).toEqual({
      name: '.a\u0007b',
      type: 'file',
      size: 12,
      modified: 1_700_000_000_000,
      permissions: 'rwsr-xr-x',
      hidden: true,
      owner: 'alice',
      group: 'staff',
    });
  });

  it('reports folders with size 0 and unknown facts as null', () => {
    const entry = fileEntryFromAttributes('d', { mode: 0o040755, size: 4096 });
    expect(entry.size).toBe(0);
    expect(fileEntryFromAttributes('x', {})).toMatchObject({ type: 'other', modified: null, permissions: null });
  });

  it('falls back to numeric ids when the longname is not ls -l output', () => {
    expect(ownerAndGroup('not a listing', { uid: 5, gid: 6 })).toEqual({ owner: '5', group: '6' });
    expect(ownerAndGroup('-rw-r--r-- 1 ev\u0001il x 0 Jan 1 00:00 f', { uid: 5 })).toEqual({ owner: '5' });
    expect(ownerAndGroup(undefined, {})).toEqual({});
  });

  it('follows only names that stay inside their folder', () => {
    expect(isPlainName('file')).toBe(true);
    expect(isPlainName('..x')).toBe(true);
    for (const name of ['', '.', '..', '../x', 'a/b', 'a\0b']) expect(isPlainName(name)).toBe(false);
  });
});
