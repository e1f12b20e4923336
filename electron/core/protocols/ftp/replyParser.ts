import { FerryError } from '../../../../shared/errors.js';
import type { FtpReply } from './reply.js';

/**
 * Largest reply we accept, all lines together. FEAT, HELP and STAT answers
 * are a few kilobytes; anything bigger is a server trying to exhaust memory.
 */
export const MAX_REPLY_BYTES = 64 * 1024;
/** Most lines in one multi-line reply, for the same reason. */
export const MAX_REPLY_LINES = 2_000;

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

function protocolError(message: string): FerryError {
  return new FerryError('PROTOCOL', `The server sent a malformed reply: ${message}`);
}

/**
 * Splits the bytes of a control connection into replies (RFC 959 section
 * 4.2): "123 text" on one line, or "123-text" … "123 text" over several,
 * where the lines between are free text. Incremental, so replies are
 * handed out as soon as their last line arrives, and hardened: a reply over
 * {@link MAX_REPLY_BYTES} or {@link MAX_REPLY_LINES}, a NUL byte, or a first
 * line without a code is a PROTOCOL error, raised before the rest arrives.
 */
export class ReplyParser {
  /** Bytes of the line being received (no LF yet). */
  private pendingLine: Buffer[] = [];
  private pendingLineBytes = 0;
  /** Lines of the multi-line reply being received, and its code. */
  private openReply: { code: string; lines: string[] } | null = null;
  /** Bytes of the reply being received, all lines together. */
  private replyBytes = 0;
  private readonly decoder = new TextDecoder('utf-8');

  /** Feeds received bytes; returns the replies they complete, in order. Throws PROTOCOL. */
  push(chunk: Buffer): FtpReply[] {
    if (chunk.includes(NUL)) throw protocolError('it contains a NUL byte');
    const replies: FtpReply[] = [];
    let start = 0;
    while (start < chunk.length) {
      const end = chunk.indexOf(LF, start);
      const piece = chunk.subarray(start, end < 0 ? chunk.length : end);
      this.pendingLineBytes += piece.length;
      this.replyBytes += piece.length + (end < 0 ? 0 : 1);
      if (this.replyBytes > MAX_REPLY_BYTES) {
        throw protocolError(`it is longer than ${MAX_REPLY_BYTES} bytes`);
      }
      this.pendingLine.push(piece);
      if (end < 0) break;
      const reply = this.onLine(this.takeLine());
      if (reply) replies.push(reply);
      start = end + 1;
    }
    return replies;
  }

  /** True while part of a reply has arrived but not its end. */
  get hasPartialReply(): boolean {
    return this.openReply !== null || this.pendingLineBytes > 0;
  }

  private takeLine(): string {
    let bytes = Buffer.concat(this.pendingLine, this.pendingLineBytes);
    this.pendingLine = [];
    this.pendingLineBytes = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    return this.decoder.decode(bytes);
  }

  private onLine(line: string): FtpReply | null {
    if (this.openReply) {
      const open = this.openReply;
      open.lines.push(line);
      if (open.lines.length > MAX_REPLY_LINES) throw protocolError(`it has more than ${MAX_REPLY_LINES} lines`);
      if (line.startsWith(`${open.code} `) || line === open.code) return this.finish(open.code, open.lines);
      return null;
    }
    const match = /^([1-5][0-9]{2})([ -]|$)/.exec(line);
    if (!match) throw protocolError(`"${line.slice(0, 80)}" does not start with a reply code`);
    const code = match[1] ?? '';
    if (match[2] === '-') {
      this.openReply = { code, lines: [line] };
      return null;
    }
    return this.finish(code, [line]);
  }

  private finish(code: string, lines: string[]): FtpReply {
    this.openReply = null;
    this.replyBytes = 0;
    return { code: Number(code), lines };
  }
}
