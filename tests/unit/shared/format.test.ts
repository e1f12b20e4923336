import { describe, it, expect } from 'vitest';
import { formatClock, formatDuration, formatSize, formatTime } from '../../../shared/format.js';
import { formatPermissions } from '../../../shared/permissions.js';

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [191.38762085729536, '191 B'],
    [1023.6, '1.0 KiB'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024, '10 KiB'],
    [1000 * 1024, '1000 KiB'],
    [1024 ** 2 - 1, '1.0 MiB'],
    [1024 ** 2, '1.0 MiB'],
    [5.25 * 1024 ** 2, '5.3 MiB'],
    [1024 ** 3, '1.0 GiB'],
    [700 * 1024 ** 3, '700 GiB'],
    [1024 ** 4, '1.0 TiB'],
    [1024 ** 5, '1.0 PiB'],
    [2048 * 1024 ** 5, '2048 PiB'],
  ])('%d bytes → %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it('shows nothing for sizes that are not sizes', () => {
    expect(formatSize(-1)).toBe('');
    expect(formatSize(Number.NaN)).toBe('');
    expect(formatSize(Number.POSITIVE_INFINITY)).toBe('');
  });
});

describe('formatTime', () => {
  it('formats local time as YYYY-MM-DD HH:MM with zero padding', () => {
    expect(formatTime(new Date(2024, 0, 2, 3, 4, 59).getTime())).toBe('2024-01-02 03:04');
    expect(formatTime(new Date(1999, 11, 31, 23, 59).getTime())).toBe('1999-12-31 23:59');
  });

  it('sorts as text in time order', () => {
    const earlier = formatTime(new Date(2024, 8, 9, 10, 0).getTime());
    const later = formatTime(new Date(2024, 9, 1, 9, 0).getTime());
    expect(earlier < later).toBe(true);
  });

  it('shows nothing for an unknown time', () => {
    expect(formatTime(null)).toBe('');
    expect(formatTime(Number.NaN)).toBe('');
  });
});

describe('formatClock', () => {
  it('formats local time of day as HH:MM:SS', () => {
    expect(formatClock(new Date(2024, 5, 6, 7, 8, 9).getTime())).toBe('07:08:09');
    expect(formatClock(new Date(2024, 5, 6, 23, 0, 0).getTime())).toBe('23:00:00');
  });
});

describe('formatPermissions', () => {
  it.each([
    [0o755, 'rwxr-xr-x'],
    [0o644, 'rw-r--r--'],
    [0o000, '---------'],
    [0o777, 'rwxrwxrwx'],
    [0o421, 'r---w---x'],
    // setuid: s with owner execute, S without
    [0o4755, 'rwsr-xr-x'],
    [0o4644, 'rwSr--r--'],
    // setgid: s with group execute, S without
    [0o2755, 'rwxr-sr-x'],
    [0o2745, 'rwxr-Sr-x'],
    // sticky: t with other execute, T without
    [0o1777, 'rwxrwxrwt'],
    [0o1776, 'rwxrwxrwT'],
    [0o7777, 'rwsrwsrwt'],
    [0o7000, '--S--S--T'],
  ])('mode %o → %s', (mode, text) => {
    expect(formatPermissions(mode)).toBe(text);
  });

  it('ignores the file-type bits of a full st_mode', () => {
    expect(formatPermissions(0o100644)).toBe('rw-r--r--'); // regular file
    expect(formatPermissions(0o040755)).toBe('rwxr-xr-x'); // directory
    expect(formatPermissions(0o120777)).toBe('rwxrwxrwx'); // symlink
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0:00'],
    [0.2, '0:01'],
    [59, '0:59'],
    [61, '1:01'],
    [3600, '1:00:00'],
    [3725, '1:02:05'],
  ])('formats %d seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([-1, Infinity, NaN])('shows nothing for %d', (seconds) => {
    expect(formatDuration(seconds)).toBe('');
  });
});
