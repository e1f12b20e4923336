import { FerryError } from '../../../../shared/errors.js';

/**
 * Builds one command line from a verb and its argument. A CR, LF or NUL
 * in the argument would end the command early and let the rest run as a
 * second command (a path like "a\r\nDELE b"), so such an argument is
 * refused before anything is sent.
 */
export function commandLine(verb: string, argument?: string): string {
  if (argument === undefined) return verb;
  if (/[\r\n\0]/.test(argument)) {
    throw new FerryError(
      'INVALID_INPUT',
      `Cannot send ${verb}: the argument contains a line break or NUL character, which FTP cannot carry`,
    );
  }
  return `${verb} ${argument}`;
}

/** What the message log shows for a command line: PASS and ACCT arguments are secrets. */
export function redactCommand(line: string): string {
  return /^(PASS|ACCT)( |$)/i.test(line) ? `${line.slice(0, 4)} ****` : line;
}
