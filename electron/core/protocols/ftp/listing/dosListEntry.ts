import type { ParsedLine } from './parsedLine.js';

/** "01-31-20  02:15PM  <DIR>  name" or "01-31-2020  14:15  1234  name" (IIS, Windows servers). */
const US_DATE = /^(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})\s*([AaPp][Mm])?\s+(<[A-Za-z]+>|\d+)\s+(.+)$/;
/** "2020-01-31  14:15  <DIR>  name" (IIS with ISO dates). */
const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})\s*([AaPp][Mm])?\s+(<[A-Za-z]+>|\d+)\s+(.+)$/;

function hour24(hour: number, meridiem: string | undefined): number {
  if (meridiem === undefined) return hour;
  const pm = meridiem.toLowerCase() === 'pm';
  return (hour % 12) + (pm ? 12 : 0);
}

/**
 * Parses one line of a DOS-style LIST, as IIS and other Windows servers
 * write it: date, time (12- or 24-hour), `<DIR>` or a size, then the name.
 * Two-digit years are 1970–2069. 'ignore' for "." and "..", null for anything else.
 */
export function parseDosListLine(line: string): ParsedLine {
  const us = US_DATE.exec(line);
  const iso = us ? null : ISO_DATE.exec(line);
  const match = us ?? iso;
  if (!match) return null;
  const [a, b, c, hourText, minuteText] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  const [year, month, day] = us ? [c < 100 ? (c < 70 ? 2000 + c : 1900 + c) : c, a, b] : [a, b, c];
  const hour = hour24(hourText, match[6]);
  const sizeOrTag = match[7] ?? '';
  const name = match[8] ?? '';
  if (name === '.' || name === '..') return 'ignore';
  const valid = month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minuteText <= 59;
  const tag = sizeOrTag.startsWith('<') ? sizeOrTag.toUpperCase() : null;
  const type =
    tag === null
      ? 'file'
      : tag === '<DIR>'
        ? 'directory'
        : tag.startsWith('<SYMLINK') || tag === '<JUNCTION>'
          ? 'symlink'
          : 'other';
  return {
    name,
    type,
    size: tag === null ? Number(sizeOrTag) : 0,
    modified: valid ? Date.UTC(year, month - 1, day, hour, minuteText) : null,
    permissions: null,
    hidden: name.startsWith('.'),
  };
}
