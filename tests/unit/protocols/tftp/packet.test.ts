import { describe, expect, it } from 'vitest';
import {
  decodePacket,
  describePacket,
  encodeAck,
  encodeData,
  encodeError,
  encodeOack,
  encodeRequest,
} from '../../../../electron/core/protocols/tftp/packet.js';

describe('TFTP packet codec', () => {
  it('encodes a read request with options byte for byte', () => {
    const packet = encodeRequest(
      'RRQ',
      'boot.img',
      'octet',
      new Map([
        ['blksize', '1468'],
        ['tsize', '0'],
      ]),
    );
    expect(packet).toEqual(Buffer.from('\x00\x01boot.img\x00octet\x00blksize\x001468\x00tsize\x000\x00', 'latin1'));
  });

  it('round-trips requests, lower-casing the mode and option names', () => {
    const raw = Buffer.from('\x00\x02dir/File.TXT\x00NetASCII\x00BLKSIZE\x00512\x00WindowSize\x004\x00', 'latin1');
    const packet = decodePacket(raw);
    expect(packet).toEqual({
      type: 'WRQ',
      filename: 'dir/File.TXT',
      mode: 'netascii',
      options: new Map([
        ['blksize', '512'],
        ['windowsize', '4'],
      ]),
    });
  });

  it('keeps the first of a repeated option', () => {
    const packet = decodePacket(Buffer.from('\x00\x01f\x00octet\x00blksize\x00512\x00blksize\x0065464\x00', 'latin1'));
    expect(packet.type === 'RRQ' && packet.options.get('blksize')).toBe('512');
  });

  it('decodes names as UTF-8 when valid and Latin-1 otherwise', () => {
    const utf8 = decodePacket(encodeRequest('RRQ', 'café.bin', 'octet'));
    expect(utf8.type === 'RRQ' && utf8.filename).toBe('café.bin');
    const latin1 = decodePacket(Buffer.from([0, 1, 0x63, 0x61, 0x66, 0xe9, 0, 0x6f, 0x63, 0x74, 0x65, 0x74, 0]));
    expect(latin1.type === 'RRQ' && latin1.filename).toBe('café');
  });

  it('round-trips DATA at the edges of the block number', () => {
    for (const block of [0, 1, 65535]) {
      const data = Buffer.from([1, 2, 3]);
      expect(decodePacket(encodeData(block, data))).toEqual({ type: 'DATA', block, data });
    }
    expect(decodePacket(encodeData(7, Buffer.alloc(0)))).toEqual({ type: 'DATA', block: 7, data: Buffer.alloc(0) });
  });

  it('round-trips ACK, ERROR and OACK', () => {
    expect(encodeAck(65535)).toEqual(Buffer.from([0, 4, 0xff, 0xff]));
    expect(decodePacket(encodeAck(42))).toEqual({ type: 'ACK', block: 42 });
    expect(encodeError(1, 'File not found')).toEqual(Buffer.from('\x00\x05\x00\x01File not found\x00', 'latin1'));
    expect(decodePacket(encodeError(8, 'no'))).toEqual({ type: 'ERROR', code: 8, message: 'no' });
    const oack = encodeOack(new Map([['tsize', '1048576']]));
    expect(oack).toEqual(Buffer.from('\x00\x06tsize\x001048576\x00', 'latin1'));
    expect(decodePacket(oack)).toEqual({ type: 'OACK', options: new Map([['tsize', '1048576']]) });
  });

  it('strips control characters from error messages and tolerates a missing NUL', () => {
    expect(decodePacket(encodeError(0, 'a\r\nb'))).toEqual({ type: 'ERROR', code: 0, message: 'a  b' });
    expect(decodePacket(Buffer.from('\x00\x05\x00\x02denied', 'latin1'))).toEqual({
      type: 'ERROR',
      code: 2,
      message: 'denied',
    });
  });

  it('rejects malformed packets with PROTOCOL', () => {
    const bad = [
      Buffer.from([0]),
      Buffer.from([0, 9, 0, 0]),
      Buffer.from([0, 3, 0]),
      Buffer.from([0, 4, 1]),
      Buffer.from('\x00\x01file\x00octet', 'latin1'),
      Buffer.from('\x00\x01\x00octet\x00', 'latin1'),
      Buffer.from('\x00\x01file\x00\x00', 'latin1'),
      Buffer.from('\x00\x01file\x00octet\x00blksize\x00', 'latin1'),
      Buffer.from('\x00\x06\x00512\x00', 'latin1'),
    ];
    for (const packet of bad) {
      expect(() => decodePacket(packet), packet.toString('hex')).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
    }
  });

  it('refuses a NUL inside a requested name', () => {
    expect(() => encodeRequest('RRQ', 'a\0b', 'octet')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('describes packets for the log', () => {
    expect(describePacket(decodePacket(encodeRequest('RRQ', 'f', 'octet', new Map([['tsize', '0']]))))).toBe(
      'RRQ "f" octet tsize 0',
    );
    expect(describePacket(decodePacket(encodeData(3, Buffer.alloc(10))))).toBe('DATA 3 (10 bytes)');
  });
});
