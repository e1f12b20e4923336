import { describe, expect, it } from 'vitest';
import { parseDosListLine } from '../../../../electron/core/protocols/ftp/listing/dosListEntry.js';
import { formatFtpTimestamp, parseFtpTimestamp } from '../../../../electron/core/protocols/ftp/listing/ftpTime.js';
import { parseListLine } from '../../../../electron/core/protocols/ftp/listing/listLine.js';
import { ListingReader } from '../../../../electron/core/protocols/ftp/listing/listingReader.js';
import { parseMlsdLine, parseMlstReply } from '../../../../electron/core/protocols/ftp/listing/mlsdEntry.js';
import { parseUnixListLine } from '../../../../electron/core/protocols/ftp/listing/unixListEntry.js';
import type { FileEntry } from '../../../../shared/entries.js';
import { FerryError } from '../../../../shared/errors.js';

/** "Now" for listings whose dates omit the year: 2024-06-15 12:00 UTC. */
const NOW = Date.UTC(2024, 5, 15, 12, 0);

function unix(line: string) {
  return parseUnixListLine(line, NOW);
}

describe('Unix listings', () => {
  it('vsftpd: files, folders and symlinks, both date forms', () => {
    expect(unix('-rw-r--r--    1 1001     1001      3145745 Jun 01 13:03 medium.bin')).toEqual({
      name: 'medium.bin',
      type: 'file',
      size: 3145745,
      modified: Date.UTC(2024, 5, 1, 13, 3),
      permissions: 'rw-r--r--',
      hidden: false,
    });
    expect(unix('drwxr-xr-x    2 0        0            4096 Jan 05  2020 old')).toMatchObject({
      name: 'old',
      type: 'directory',
      size: 0,
      modified: Date.UTC(2020, 0, 5),
    });
    expect(unix('lrwxrwxrwx    1 1001     1001            9 Jun 01 13:03 link -> small.txt')).toMatchObject({
      name: 'link',
      type: 'symlink',
      linkTarget: 'small.txt',
    });
  });

  it('puts a year-less date in the future into last year', () => {
    expect(unix('-rw-r--r--    1 0 0 1 Dec 24 18:00 gift')).toMatchObject({
      modified: Date.UTC(2023, 11, 24, 18, 0),
    });
  });

  it('proftpd: named owners, sticky and setuid bits, a hidden file', () => {
    expect(unix('-rwsr-xr-x   1 root     root        30952 Mar  4 05:06 passwd')).toMatchObject({
      permissions: 'rwsr-xr-x',
      size: 30952,
    });
    expect(unix('drwxrwxrwt   9 root     root         4096 Mar  4  2019 tmp')).toMatchObject({
      type: 'directory',
      permissions: 'rwxrwxrwt',
      modified: Date.UTC(2019, 2, 4),
    });
    expect(unix('-rw-------   1 ferry    ferry          12 Mar  4 05:06 .profile')).toMatchObject({ hidden: true });
  });

  it('pure-ftpd: wide columns and names with spaces (kept exactly)', () => {
    expect(unix('-rw-r--r--    1 1000       1000                5 Feb 10 16:19 file with  spaces.txt ')).toMatchObject({
      name: 'file with  spaces.txt ',
      size: 5,
    });
  });

  it('busybox: devices with major, minor instead of a size', () => {
    expect(unix('crw-rw-rw-    1 0        0           1,   3 Jan  1 00:00 null')).toMatchObject({
      name: 'null',
      type: 'other',
      size: 0,
    });
    expect(unix('brw-rw----    1 0        6           8,   0 Jan  1  2001 sda')).toMatchObject({
      name: 'sda',
      type: 'other',
      modified: Date.UTC(2001, 0, 1),
    });
    expect(unix('prw-r--r--    1 0        0               0 Jan  1 00:00 fifo')).toMatchObject({ type: 'other' });
  });

  it('odd owners: with spaces, numeric, no group, no link count', () => {
    expect(unix('-rw-r--r--   1 Domain Users  Domain Users   123 Feb  3  2021 spaced owner.txt')).toMatchObject({
      name: 'spaced owner.txt',
      size: 123,
    });
    expect(unix('-rwxrwxrwx   1 owner    123 Jul  4 12:00 no-group')).toMatchObject({ name: 'no-group', size: 123 });
    expect(unix('drwxrwxrwx   folder        0 Jan  1  2020 no-links')).toMatchObject({ name: 'no-links' });
    expect(unix('-rw-r--r--   1 Jan      staff       99 Feb  3  2021 owner-named-jan')).toMatchObject({ size: 99 });
  });

  it('ACL markers, BSD full times, ISO dates and day-first dates', () => {
    expect(unix('-rw-r--r--+  1 a b 10 Jan  2 03:04 acl')).toMatchObject({ name: 'acl', size: 10 });
    expect(unix('-rw-r--r--@  1 a b 10 Jan  2 03:04:05 2022 bsd')).toMatchObject({
      name: 'bsd',
      modified: Date.UTC(2022, 0, 2, 3, 4, 5),
    });
    expect(unix('-rw-r--r--   1 a b 10 2022-01-02 03:04 iso')).toMatchObject({
      name: 'iso',
      modified: Date.UTC(2022, 0, 2, 3, 4),
    });
    expect(unix('-rw-r--r--   1 a b 10 2 Jan 2022 day-first')).toMatchObject({
      name: 'day-first',
      modified: Date.UTC(2022, 0, 2),
    });
  });

  it('ignores "." and "..", and does not understand headers', () => {
    expect(unix('drwxr-xr-x    2 1001     1001         4096 Nov 21 13:03 .')).toBe('ignore');
    expect(unix('drwxr-xr-x    4 0        0            4096 Nov 21 13:03 ..')).toBe('ignore');
    expect(unix('total 24')).toBeNull();
    expect(unix('hello')).toBeNull();
  });
});

describe('DOS / IIS listings', () => {
  it('12-hour times, two- and four-digit years, <DIR>', () => {
    expect(parseDosListLine('01-31-20  02:15PM       <DIR>          folder')).toEqual({
      name: 'folder',
      type: 'directory',
      size: 0,
      modified: Date.UTC(2020, 0, 31, 14, 15),
      permissions: null,
      hidden: false,
    });
    expect(parseDosListLine('02-01-2021  12:05AM              12345 file name.txt')).toMatchObject({
      name: 'file name.txt',
      type: 'file',
      size: 12345,
      modified: Date.UTC(2021, 1, 1, 0, 5),
    });
    expect(parseDosListLine('12-25-98  11:59PM                  1 old.txt')).toMatchObject({
      modified: Date.UTC(1998, 11, 25, 23, 59),
    });
  });

  it('24-hour and ISO dates', () => {
    expect(parseDosListLine('2021-02-01  21:05                 99 iso.txt')).toMatchObject({
      size: 99,
      modified: Date.UTC(2021, 1, 1, 21, 5),
    });
    expect(parseDosListLine('02-01-2021  21:05                 99 h24.txt')).toMatchObject({
      modified: Date.UTC(2021, 1, 1, 21, 5),
    });
  });

  it('junctions as symlinks, anything else as null', () => {
    expect(parseDosListLine('02-01-2021  09:05AM    <JUNCTION>     Documents')).toMatchObject({ type: 'symlink' });
    expect(parseDosListLine('not a listing line')).toBeNull();
    expect(parseDosListLine('02-01-2021  09:05AM       <DIR>          .')).toBe('ignore');
  });

  it('parseListLine tells the two formats apart per line', () => {
    expect(parseListLine('01-31-20  02:15PM       <DIR>          folder', NOW)).toMatchObject({ type: 'directory' });
    expect(parseListLine('-rw-r--r-- 1 a b 1 Jan 1 2020 f', NOW)).toMatchObject({ type: 'file' });
  });
});

describe('MLSD', () => {
  it('reads standard facts (proftpd)', () => {
    expect(
      parseMlsdLine(
        'modify=20210304050607;perm=adfrw;size=1234;type=file;unique=FD01U2C;UNIX.group=1000;UNIX.mode=0644;UNIX.owner=1000; file.txt',
      ),
    ).toEqual({
      name: 'file.txt',
      type: 'file',
      size: 1234,
      modified: Date.UTC(2021, 2, 4, 5, 6, 7),
      permissions: 'rw-r--r--',
      hidden: false,
    });
  });

  it('ignores the folder itself and its parent', () => {
    expect(parseMlsdLine('type=cdir;modify=20210304050607;UNIX.mode=0755; /home/ferry')).toBe('ignore');
    expect(parseMlsdLine('type=pdir;modify=20210304050607; ..')).toBe('ignore');
  });

  it('odd facts: any case, any order, fractions of seconds, sizd, no size, setuid modes', () => {
    expect(parseMlsdLine('Type=File;Size=10;Modify=20200101000000; UPPER.txt')).toMatchObject({
      type: 'file',
      size: 10,
      modified: Date.UTC(2020, 0, 1),
    });
    expect(parseMlsdLine('type=dir;sizd=4096;modify=20210304050607.123;perm=flcdmpe; folder')).toMatchObject({
      type: 'directory',
      size: 0,
      modified: Date.UTC(2021, 2, 4, 5, 6, 7) + 123,
    });
    expect(parseMlsdLine('type=file;modify=garbage; no-size')).toMatchObject({ size: 0, modified: null });
    expect(parseMlsdLine('type=file;size=1;UNIX.mode=4755; setuid')).toMatchObject({ permissions: 'rwsr-xr-x' });
  });

  it('names with spaces and semicolons stay whole', () => {
    expect(parseMlsdLine('type=file;size=5; name; with; semicolons ')).toMatchObject({
      name: 'name; with; semicolons ',
    });
  });

  it('Unix symlinks as servers write them', () => {
    expect(parseMlsdLine('type=OS.unix=slink:/etc/passwd;modify=20200101000000; link')).toMatchObject({
      type: 'symlink',
      linkTarget: '/etc/passwd',
    });
    expect(parseMlsdLine('type=OS.unix=symlink;size=9; sym')).toMatchObject({ type: 'symlink', size: 0 });
    expect(parseMlsdLine('type=OS.unix=blkdev; sda')).toMatchObject({ type: 'other' });
  });

  it('lines without facts are not understood', () => {
    expect(parseMlsdLine(' name-only')).toBeNull();
    expect(parseMlsdLine('justtext')).toBeNull();
  });

  it('MLST replies describe one entry, named by its last segment', () => {
    expect(
      parseMlstReply([
        '250-Start of list for /srv/a.txt',
        ' modify=20210304050607;size=3;type=file; /srv/a.txt',
        '250 End of list',
      ]),
    ).toMatchObject({ name: 'a.txt', size: 3, type: 'file' });
    expect(parseMlstReply(['250-x', ' type=cdir;modify=20210304050607; /srv/.config', '250 y'])).toMatchObject({
      name: '.config',
      type: 'directory',
      hidden: true,
    });
    expect(parseMlstReply(['250 nothing'])).toBeNull();
  });
});

describe('FTP timestamps', () => {
  it('parse and format as UTC', () => {
    expect(parseFtpTimestamp('20240615120000')).toBe(NOW);
    expect(parseFtpTimestamp('20240615120000.5')).toBe(NOW + 500);
    expect(parseFtpTimestamp('20241315120000')).toBeNull();
    expect(parseFtpTimestamp('2024')).toBeNull();
    expect(formatFtpTimestamp(new Date(NOW + 999))).toBe('20240615120000');
  });
});

describe('ListingReader', () => {
  const parse = (line: string) => parseListLine(line, NOW);

  it('parses lines split across chunks, with CRLF or LF and no final line ending', () => {
    const reader = new ListingReader(parse, { maxBytes: 1e6, maxEntries: 100 });
    const text =
      '-rw-r--r-- 1 a b 1 Jan 1 2020 one\r\n-rw-r--r-- 1 a b 2 Jan 1 2020 two\n-rw-r--r-- 1 a b 3 Jan 1 2020 three';
    for (const byte of Buffer.from(text)) reader.push(Buffer.from([byte]));
    reader.end();
    expect(reader.entries.map((entry: FileEntry) => [entry.name, entry.size])).toEqual([
      ['one', 1],
      ['two', 2],
      ['three', 3],
    ]);
  });

  it('skips entries whose names hold a slash, and remembers lines it did not understand', () => {
    const reader = new ListingReader(parse, { maxBytes: 1e6, maxEntries: 100 });
    reader.push(Buffer.from('total 3\r\ngarbage line\r\n-rw-r--r-- 1 a b 1 Jan 1 2020 ../../etc/passwd\r\n'));
    reader.end();
    expect(reader.entries).toEqual([]);
    expect(reader.skipped).toEqual(['garbage line', '-rw-r--r-- 1 a b 1 Jan 1 2020 ../../etc/passwd']);
  });

  it('stops a listing that passes its byte or entry limit with PROTOCOL', () => {
    const line = Buffer.from('-rw-r--r-- 1 a b 1 Jan 1 2020 f\r\n');
    const byBytes = new ListingReader(parse, { maxBytes: 1000, maxEntries: 1e6 });
    const byEntries = new ListingReader(parse, { maxBytes: 1e9, maxEntries: 10 });
    for (const reader of [byBytes, byEntries]) {
      let error: unknown;
      try {
        for (let i = 0; i < 1000; i++) reader.push(line);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(FerryError);
      expect((error as FerryError).code).toBe('PROTOCOL');
    }
    expect(byEntries.entries.length).toBe(11);
  });

  it('stops a single never-ending line', () => {
    const reader = new ListingReader(parse, { maxBytes: 1e9, maxEntries: 10 });
    expect(() => {
      for (let i = 0; i < 100; i++) reader.push(Buffer.alloc(4096, 0x61));
    }).toThrow(FerryError);
  });
});
