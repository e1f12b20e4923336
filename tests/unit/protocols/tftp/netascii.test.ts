import { describe, expect, it } from 'vitest';
import { NetasciiDecoder, NetasciiEncoder } from '../../../../electron/core/protocols/tftp/netascii.js';
import { seededRandom } from './links.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('netascii', () => {
  it('encodes LF as CR LF and a bare CR as CR NUL', () => {
    const encoder = new NetasciiEncoder();
    expect(encoder.encode(bytes('a\nb\rc\r\n'))).toEqual(bytes('a\r\nb\r\0c\r\0\r\n'));
    const plain = bytes('no line ends');
    expect(encoder.encode(plain)).toBe(plain);
  });

  it('decodes CR LF and CR NUL, keeping other bare CRs', () => {
    const decoder = new NetasciiDecoder();
    expect(decoder.decode(bytes('a\r\nb\r\0c\rd'))).toEqual(bytes('a\nb\rc\rd'));
    expect(decoder.flush()).toEqual(Buffer.alloc(0));
  });

  it('decodes a CR split across chunks', () => {
    const decoder = new NetasciiDecoder();
    expect(decoder.decode(bytes('line\r'))).toEqual(bytes('line'));
    expect(decoder.decode(bytes('\nnext\r'))).toEqual(bytes('\nnext'));
    expect(decoder.decode(bytes('\0'))).toEqual(bytes('\r'));
    expect(decoder.decode(bytes('x\r'))).toEqual(bytes('x'));
    expect(decoder.decode(bytes('y'))).toEqual(bytes('\ry'));
    expect(decoder.decode(bytes('end\r'))).toEqual(bytes('end'));
    expect(decoder.flush()).toEqual(bytes('\r'));
  });

  it('round-trips any bytes, however the encoded stream is cut', () => {
    const random = seededRandom(7);
    const alphabet = bytes('ab\r\n\0x');
    for (let round = 0; round < 50; round++) {
      const original = Buffer.from(
        Array.from({ length: 200 }, () => alphabet[Math.floor(random() * alphabet.length)] ?? 0),
      );
      const encoded = new NetasciiEncoder().encode(original);
      const decoder = new NetasciiDecoder();
      const parts: Buffer[] = [];
      for (let at = 0; at < encoded.length;) {
        const size = 1 + Math.floor(random() * 7);
        parts.push(decoder.decode(encoded.subarray(at, at + size)));
        at += size;
      }
      parts.push(decoder.flush());
      expect(Buffer.concat(parts)).toEqual(original);
    }
  });
});
