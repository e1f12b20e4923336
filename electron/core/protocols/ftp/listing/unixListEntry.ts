import type { EntryType, FileEntry } from '../../../../../shared/entries.js';
import type { ParsedLine } from './parsedLine.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
/** A size, or a device's "major, minor" pair, right before the date. */
const SIZE = '(\\d+|\\d+,\\s*\\d+)';
const TIME_OR_YEAR = '(\\d{1,2}:\\d{2}(?::\\d{2})?(?:\\s+\\d{4})?|\\d{4})';

/**
 * The date forms `ls -l` and FTP servers write, each preceded by the size:
 * "Mon dd hh:mm" (recent files), "Mon dd yyyy" (older ones), BSD's
 * "Mon dd hh:mm:ss yyyy", the day-first form some locales use, and ISO
 * "yyyy-mm-dd hh:mm". The name starts after one space.
 */
const DATE_FORMS: { regex: RegExp; order: 'month-day' | 'day-month' | 'iso' }[] = [
  { regex: new RegExp(`(?:^|\\s)${SIZE}\\s+${MONTH}\\s+(\\d{1,2})\\s+${TIME_OR_YEAR} `, 'i'), order: 'month-day' },
  { regex: new RegExp(`(?:^|\\s)${SIZE}\\s+(\\d{1,2})\\s+${MONTH}\\s+${TIME_OR_YEAR} `, 'i'), order: 'day-month' },
  {
    regex: new RegExp(`(?:^|\\s)${SIZE}\\s+(\\d{4})-(\\d{2})-(\\d{2})\\s+(\\d{1,2}:\\d{2}(?::\\d{2})?) `),
    order: 'iso',
  },
];

const TYPE_BY_CHAR: Record<string, EntryType> = { '-': 'file', f: 'file', d: 'directory', l: 'symlink' };

/** A day and a time of day, or a year, as `ls` prints them; ms since the epoch (UTC). */
function timeOf(year: number | null, month: number, day: number, clock: string | null, now: number): number | null {
  if (month < 0 || month > 11 || day < 1 || day > 31) return null;
  const [hour = 0, minute = 0, second = 0] = clock ? clock.split(':').map(Number) : [];
  if (hour > 23 || minute > 59 || second > 59) return null;
  if (year !== null) return Date.UTC(year, month, day, hour, minute, second);
  // "Mon dd hh:mm" omits the year: it is within the last six months, so the
  // current year unless that would put it in the future.
  const thisYear = new Date(now).getUTCFullYear();
  const guess = Date.UTC(thisYear, month, day, hour, minute, second);
  return guess > now + 24 * 3600 * 1000 ? Date.UTC(thisYear - 1, month, day, hour, minute, second) : guess;
}

function dateFrom(match: RegExpExecArray, order: 'month-day' | 'day-month' | 'iso', now: number): number | null {
  if (order === 'iso') {
    return timeOf(Number(match[2]), Number(match[3]) - 1, Number(match[4]), match[5] ?? null, now);
  }
  const monthText = (order === 'month-day' ? match[2] : match[3]) ?? '';
  const dayText = (order === 'month-day' ? match[3] : match[2]) ?? '';
  const month = MONTHS.indexOf(monthText.slice(0, 3).toLowerCase());
  const timeText = match[4] ?? '';
  // "hh:mm", "yyyy", or BSD's "hh:mm:ss yyyy".
  const parts = timeText.split(/\s+/);
  const first = parts[0] ?? '';
  const clock = first.includes(':') ? first : null;
  const yearText = parts.find((part) => /^\d{4}$/.test(part));
  return timeOf(yearText === undefined ? null : Number(yearText), month, Number(dayText), clock, now);
}

/**
 * Parses one line of a Unix-style LIST ("-rw-r--r-- 1 owner group 123 Jan
 * 1 12:00 name"), as written by vsftpd, proftpd, pure-ftpd, busybox and
 * most others: symlinks as "name -> target", devices with "major, minor"
 * instead of a size, owners and groups that are numbers, missing or hold
 * spaces, both date forms. Returns null for lines that are not entries
 * ("total 12") and 'ignore' for "." and "..". `now` resolves dates without a year.
 */
export function parseUnixListLine(line: string, now: number): ParsedLine {
  const head = /^([-bcdlpsDfnw?])([-rwxsStTlL]{9})[.+@]?\s/.exec(line);
  if (!head) return null;
  const typeChar = head[1] ?? '-';
  const permissions = head[2] ?? null;
  const rest = line.slice(head[0].length);
  for (const { regex, order } of DATE_FORMS) {
    const match = regex.exec(rest);
    if (!match) continue;
    let name = rest.slice(match.index + match[0].length);
    const type = TYPE_BY_CHAR[typeChar] ?? 'other';
    let linkTarget: string | undefined;
    if (type === 'symlink') {
      const arrow = name.indexOf(' -> ');
      if (arrow >= 0) {
        linkTarget = name.slice(arrow + 4);
        name = name.slice(0, arrow);
      }
    }
    if (name === '') return null;
    if (name === '.' || name === '..') return 'ignore';
    const sizeText = match[1] ?? '0';
    const size = type === 'file' && !sizeText.includes(',') ? Number(sizeText) : 0;
    const entry: FileEntry = {
      name,
      type,
      size: Number.isSafeInteger(size) ? size : 0,
      modified: dateFrom(match, order, now),
      permissions,
      hidden: name.startsWith('.'),
    };
    if (linkTarget !== undefined) entry.linkTarget = linkTarget;
    return entry;
  }
  return null;
}
