import { describe, expect, it } from 'vitest';
import { MAX_REPLY_BYTES, ReplyParser } from '../../../../electron/core/protocols/ftp/replyParser.js';
import { describeReply, replyText } from '../../../../electron/core/protocols/ftp/reply.js';
import { FerryError } from '../../../../shared/errors.js';

function parseAll(...chunks: (string | Buffer)[]) {
  const parser = new ReplyParser();
  return chunks.flatMap((chunk) => parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
}

function protocolFailure(run: () => unknown): FerryError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FerryError);
    expect((error as FerryError).code).toBe('PROTOCOL');
    return error as FerryError;
  }
  throw new Error('expected a PROTOCOL error');
}

describe('ReplyParser', () => {
  it('reads single-line replies, with CRLF or bare LF, and a code with no text', () => {
    const replies = parseAll('220 (vsFTPd 3.0.3)\r\n331 Please specify the password.\n200\r\n');
    expect(replies.map((reply) => reply.code)).toEqual([220, 331, 200]);
    expect(replies[0]?.lines).toEqual(['220 (vsFTPd 3.0.3)']);
    expect(replyText(replies[1] ?? { code: 0, lines: [] })).toBe('Please specify the password.');
  });

  it('reads a multi-line FEAT reply as one', () => {
    const [reply] = parseAll('211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n211 End\r\n');
    expect(reply?.code).toBe(211);
    expect(reply?.lines).toEqual(['211-Features:', ' EPRT', ' EPSV', ' MDTM', '211 End']);
  });

  it('ends a multi-line reply only at its own code followed by a space (RFC 959 4.2)', () => {
    const replies = parseAll(
      '123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n123-not the end\r\n123 The last line\r\n',
    );
    expect(replies).toHaveLength(1);
    expect(replies[0]?.lines).toHaveLength(5);
    expect(describeReply(replies[0] ?? { code: 0, lines: [] })).toContain('The last line');
  });

  it('assembles replies split anywhere, even byte by byte and inside a UTF-8 character', () => {
    const text = Buffer.from('257 "/srv/müller" is the current directory\r\n211-x\r\n y\r\n211 z\r\n');
    const parser = new ReplyParser();
    const replies = [...text].flatMap((byte) => parser.push(Buffer.from([byte])));
    expect(replies.map((reply) => reply.code)).toEqual([257, 211]);
    expect(replies[0]?.lines[0]).toBe('257 "/srv/müller" is the current directory');
    expect(parser.hasPartialReply).toBe(false);
  });

  it('says when part of a reply is still pending', () => {
    const parser = new ReplyParser();
    parser.push(Buffer.from('211-Features:\r\n'));
    expect(parser.hasPartialReply).toBe(true);
  });

  it('refuses a NUL byte in a reply', () => {
    protocolFailure(() => parseAll('220 hello\0world\r\n'));
  });

  it('refuses a line without a reply code', () => {
    protocolFailure(() => parseAll('hello there\r\n'));
    protocolFailure(() => parseAll('99 too short\r\n'));
    protocolFailure(() => parseAll('620 no such class\r\n'));
  });

  it('refuses a 1 MB reply line as soon as it passes the limit, before it ends', () => {
    const parser = new ReplyParser();
    parser.push(Buffer.from('220 '));
    const error = protocolFailure(() => {
      for (let sent = 0; sent < 1024 * 1024; sent += 16 * 1024) parser.push(Buffer.alloc(16 * 1024, 0x61));
    });
    expect(error.message).toContain(String(MAX_REPLY_BYTES));
  });

  it('refuses a never-ending multi-line reply of 10,000 short lines', () => {
    const parser = new ReplyParser();
    parser.push(Buffer.from('250-start\r\n'));
    protocolFailure(() => {
      for (let line = 0; line < 10_000; line++) parser.push(Buffer.from('x\r\n'));
    });
  });

  it('counts each reply separately, so many ordinary replies are fine', () => {
    const parser = new ReplyParser();
    let count = 0;
    for (let i = 0; i < 5_000; i++) count += parser.push(Buffer.from('200 NOOP ok\r\n')).length;
    expect(count).toBe(5_000);
  });
});
