/**
 * One complete FTP reply (RFC 959 section 4.2): its three-digit code and
 * every line of text, the code prefix included, without line endings.
 */
export interface FtpReply {
  code: number;
  lines: string[];
}

/** 1yz: the command started; another reply follows. */
export function isPreliminary(reply: FtpReply): boolean {
  return reply.code >= 100 && reply.code < 200;
}

/** 2yz: the command succeeded. */
export function isCompletion(reply: FtpReply): boolean {
  return reply.code >= 200 && reply.code < 300;
}

/** 3yz: the command was accepted and needs a follow-up (PASS after USER, RNTO after RNFR, …). */
export function isIntermediate(reply: FtpReply): boolean {
  return reply.code >= 300 && reply.code < 400;
}

/** The reply's text without the code: the first line's, or all lines' joined for multi-line replies. */
export function replyText(reply: FtpReply): string {
  return reply.lines
    .map((line) => (/^\d{3}[ -]/.test(line) ? line.slice(4) : line))
    .join('\n')
    .trim();
}

/** The first line's text after the code (e.g. the "(h1,h2,…)" part of a 227). */
export function firstLineText(reply: FtpReply): string {
  return (reply.lines[0] ?? '').slice(4);
}

/** The reply as one line for messages and the log. */
export function describeReply(reply: FtpReply): string {
  return `${reply.code} ${replyText(reply).replace(/\s*\n\s*/g, ' ')}`;
}
