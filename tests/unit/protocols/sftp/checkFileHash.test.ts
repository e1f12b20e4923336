import { describe, expect, it } from 'vitest';
import {
  checkFileAlgorithms,
  checkFileRequest,
  parseCheckFileReply,
} from '../../../../electron/core/protocols/sftp/checkFileHash.js';

function sshString(text: string): Buffer {
  const data = Buffer.from(text);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

function reply(type: number, ...parts: Buffer[]): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(1);
  return Buffer.concat([Buffer.from([type]), id, ...parts]);
}

describe('check-file', () => {
  it('reads the algorithms a server lists, strongest first, and assumes common ones otherwise', () => {
    expect(checkFileAlgorithms('md5,sha1,sha256,whirlpool')).toEqual(['sha256', 'sha1', 'md5']);
    expect(checkFileAlgorithms('1')).toEqual(['sha256', 'sha1', 'md5']);
  });

  it('asks for one hash of the whole file', () => {
    const request = checkFileRequest('/a b', 'sha256');
    expect(request.readUInt32BE(0)).toBe(request.length - 4);
    expect(request[4]).toBe(200);
    expect(request.includes(Buffer.from('check-file-name'))).toBe(true);
    expect(request.subarray(-20)).toEqual(Buffer.alloc(20));
  });

  it('reads the digest of a well-formed reply', () => {
    const digest = Buffer.from('00ff10', 'hex');
    expect(parseCheckFileReply(reply(201, sshString('check-file'), sshString('sha256'), digest), 'sha256', '/x')).toBe(
      '00ff10',
    );
  });

  it('refuses a reply with another algorithm, a status, or a malformed body', () => {
    const digest = Buffer.from('00', 'hex');
    expect(() =>
      parseCheckFileReply(reply(201, sshString('check-file'), sshString('md5'), digest), 'sha256', '/x'),
    ).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    const status = Buffer.alloc(4);
    status.writeUInt32BE(2);
    expect(() => parseCheckFileReply(reply(101, status), 'sha256', '/x')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => parseCheckFileReply(reply(201, Buffer.from([0, 0, 0, 99])), 'sha256', '/x')).toThrow(
      expect.objectContaining({ code: 'PROTOCOL' }),
    );
    expect(() => parseCheckFileReply(reply(201, sshString('check-file'), sshString('sha256')), 'sha256', '/x')).toThrow(
      expect.objectContaining({ code: 'PROTOCOL' }),
    );
  });
});
