import { parseDosListLine } from './dosListEntry.js';
import type { ParsedLine } from './parsedLine.js';
import { parseUnixListLine } from './unixListEntry.js';

/**
 * Parses one LIST line in whichever format it is: Unix `ls -l` or DOS/IIS.
 * Each line is tried on its own rather than fixing a format from the first
 * one, because servers mix in headers ("total 12") and notices.
 *
 * Ferry has its own parsers instead of basic-ftp's `parseList`: that takes
 * a whole listing as one string (we parse lines as they stream in, under
 * byte and entry caps), fixes one format from the first lines, and returns
 * its own entry type; the formats themselves are small enough to own.
 */
export function parseListLine(line: string, now: number): ParsedLine {
  return parseUnixListLine(line, now) ?? parseDosListLine(line);
}
