import { describe, expect, it } from 'vitest';
import {
  acceptOack,
  answerOptions,
  parseOptionNumber,
  requestOptionMap,
  validateRequested,
} from '../../../../electron/core/protocols/tftp/options.js';

const limits = { maxBlksize: 65464, maxWindowsize: 64 };

describe('TFTP option negotiation', () => {
  it('requests only the options asked for', () => {
    expect([...requestOptionMap({})]).toEqual([]);
    expect([...requestOptionMap({ blksize: 1468, windowsize: 16, timeout: 2, tsize: 0 })]).toEqual([
      ['blksize', '1468'],
      ['tsize', '0'],
      ['timeout', '2'],
      ['windowsize', '16'],
    ]);
  });

  it('validates the RFC ranges of requested options', () => {
    expect(() => validateRequested({ blksize: 8, windowsize: 1, timeout: 1 })).not.toThrow();
    expect(() => validateRequested({ blksize: 65464, windowsize: 65535, timeout: 255 })).not.toThrow();
    for (const bad of [{ blksize: 7 }, { blksize: 65465 }, { windowsize: 0 }, { timeout: 256 }, { blksize: 1.5 }]) {
      expect(() => validateRequested(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
    }
  });

  it('parses option numbers strictly', () => {
    expect(parseOptionNumber('512')).toBe(512);
    for (const text of ['', '-1', '1e3', ' 5', '0x10', '1234567890123456']) expect(parseOptionNumber(text)).toBeNull();
  });

  it('accepts an OACK that lowers blksize and windowsize and echoes timeout', () => {
    const agreed = acceptOack(
      new Map([
        ['blksize', '1024'],
        ['windowsize', '8'],
        ['timeout', '3'],
        ['tsize', '99'],
      ]),
      { blksize: 1468, windowsize: 16, timeout: 3, tsize: 0 },
    );
    expect(agreed).toEqual({ blksize: 1024, windowsize: 8, timeout: 3, tsize: 99 });
  });

  it('keeps RFC 1350 defaults for options the server left out', () => {
    expect(acceptOack(new Map([['tsize', '5']]), { blksize: 1468, tsize: 0 })).toEqual({
      blksize: 512,
      windowsize: 1,
      timeout: null,
      tsize: 5,
    });
  });

  it('refuses an OACK that raises, invents or changes options, with reply code 8', () => {
    const bad: [Map<string, string>, object][] = [
      [new Map([['blksize', '2000']]), { blksize: 1468 }],
      [new Map([['blksize', '4']]), { blksize: 1468 }],
      [new Map([['windowsize', '32']]), { windowsize: 16 }],
      [new Map([['timeout', '5']]), { timeout: 3 }],
      [new Map([['blksize', '512']]), {}],
      [new Map([['multicast', '1']]), { blksize: 512 }],
      [new Map([['tsize', 'big']]), { tsize: 0 }],
    ];
    for (const [oack, requested] of bad) {
      expect(() => acceptOack(oack, requested), JSON.stringify([...oack])).toThrow(
        expect.objectContaining({ code: 'PROTOCOL', replyCode: 8 }),
      );
    }
  });

  it('answers a read request within its limits and announces the size', () => {
    const answer = answerOptions(
      new Map([
        ['blksize', '100000'],
        ['tsize', '0'],
        ['windowsize', '1000'],
        ['timeout', '2'],
        ['multicast', ''],
      ]),
      limits,
      { type: 'RRQ', fileSize: 1234 },
    );
    expect([...answer.reply]).toEqual([
      ['blksize', '65464'],
      ['tsize', '1234'],
      ['windowsize', '64'],
      ['timeout', '2'],
    ]);
    expect(answer.negotiated).toEqual({ blksize: 65464, windowsize: 64, timeout: 2, tsize: 1234 });
  });

  it('leaves out malformed and out-of-range options, and tsize when the size is unknown', () => {
    const answer = answerOptions(
      new Map([
        ['blksize', '7'],
        ['timeout', '0'],
        ['windowsize', 'x'],
        ['tsize', '0'],
      ]),
      limits,
      { type: 'RRQ', fileSize: null },
    );
    expect(answer.reply.size).toBe(0);
    expect(answer.negotiated).toEqual({ blksize: 512, windowsize: 1, timeout: null, tsize: null });
  });

  it('echoes the client size of a write request', () => {
    const answer = answerOptions(new Map([['tsize', '777']]), limits, { type: 'WRQ', fileSize: null });
    expect([...answer.reply]).toEqual([['tsize', '777']]);
    expect(answer.negotiated.tsize).toBe(777);
  });
});
