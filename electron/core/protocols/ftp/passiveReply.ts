import { FerryError } from '../../../../shared/errors.js';
import { describeReply, firstLineText, type FtpReply } from './reply.js';

/** Where a passive data connection goes, as the server announced it. */
export interface PassiveAddress {
  /** IPv4 address from a 227 reply; null for 229, which names only a port. */
  host: string | null;
  port: number;
}

function malformed(reply: FtpReply, why: string): FerryError {
  return new FerryError('PROTOCOL', `The server's passive-mode reply is invalid (${why}): ${describeReply(reply)}`, {
    replyCode: reply.code,
  });
}

/**
 * Parses a 227 reply to PASV: "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)".
 * The parentheses are optional (RFC 1123 4.1.2.6 asks clients to scan for
 * the six numbers). Any number over 255, or port 0, is a PROTOCOL error.
 */
export function parsePasvReply(reply: FtpReply): PassiveAddress {
  const match = /(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/.exec(firstLineText(reply));
  if (!match) throw malformed(reply, 'no address in it');
  const numbers = match.slice(1, 7).map((text) => (text.length > 3 ? 256 : Number(text)));
  if (numbers.some((n) => n > 255)) throw malformed(reply, 'a number is over 255');
  const [h1, h2, h3, h4, p1, p2] = numbers as [number, number, number, number, number, number];
  const port = p1 * 256 + p2;
  if (port === 0) throw malformed(reply, 'port 0');
  return { host: `${h1}.${h2}.${h3}.${h4}`, port };
}

/**
 * Parses a 229 reply to EPSV (RFC 2428): "229 Entering Extended Passive
 * Mode (|||port|)", where "|" may be any printable delimiter. A port
 * outside 1–65535 is a PROTOCOL error.
 */
export function parseEpsvReply(reply: FtpReply): PassiveAddress {
  const match = /\(([\x21-\x7e])\1\1(\d+)\1\)/.exec(firstLineText(reply));
  if (!match) throw malformed(reply, 'no port in it');
  const text = match[2] ?? '';
  const port = text.length > 5 ? 0 : Number(text);
  if (port < 1 || port > 65535) throw malformed(reply, `port ${text} is out of range`);
  return { host: null, port };
}
