import { createRequire } from 'node:module';
import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { readRange, takeDataReplies } from '../../../../electron/core/protocols/sftp/ssh2ReadReplies.js';
import { statusReply } from './sftpReplies.js';

// ssh2's own SFTP class, fed packets by hand: the test exercises the private
// request table readRange relies on, as the installed ssh2 really has it.
const { SFTP } = createRequire(import.meta.url)('ssh2/lib/protocol/SFTP.js') as {
  SFTP: new (client: unknown, chanInfo: unknown, config: unknown) => SFTPWrapper & { push(data: Buffer): void };
};

const SSH_FXP_DATA = 103;

/** An SFTP client channel whose outgoing packets are recorded and whose incoming ones the test supplies. */
function channel() {
  const sent: Buffer[] = [];
  const client = {
    _protocol: {
      _remoteIdentRaw: 'SSH-2.0-OpenSSH_9.2',
      channelData: (_id: number, data: Buffer) => sent.push(Buffer.from(data)),
    },
  };
  const sftp = new SFTP(
    client,
    {
      type: 'sftp',
      incoming: { id: 0, window: 2 ** 21, packetSize: 32768, state: 'open' },
      outgoing: { id: 0, window: 2 ** 30, packetSize: 32768, state: 'open' },
    },
    {},
  );
  // The server's VERSION packet (version 3, no extensions) opens the session.
  sftp.push(Buffer.from([0, 0, 0, 5, 2, 0, 0, 0, 3]));
  /** The request id of the last packet sent. */
  const lastId = (): number => {
    const packet = sent.at(-1);
    if (packet === undefined) throw new Error('nothing sent');
    return packet.readUInt32BE(5);
  };
  return { sftp, lastId };
}

function dataReply(id: number, data: Buffer): Buffer {
  const packet = Buffer.alloc(13 + data.length);
  packet.writeUInt32BE(9 + data.length, 0);
  packet[4] = SSH_FXP_DATA;
  packet.writeUInt32BE(id, 5);
  packet.writeUInt32BE(data.length, 9);
  data.copy(packet, 13);
  return packet;
}

const handle = Buffer.from('h1');

describe('readRange', () => {
  it('hands over the bytes of a reply as a view of the packet, without copying them', () => {
    const { sftp, lastId } = channel();
    const replies: [Error | undefined, readonly Buffer[]][] = [];
    readRange(sftp, handle, 4096, 8, (error, data) => replies.push([error, data]));
    const packet = dataReply(lastId(), Buffer.from('abcdefgh'));
    sftp.push(packet);
    expect(replies).toHaveLength(1);
    const [error, data] = replies[0] ?? [];
    expect(error).toBeUndefined();
    expect(data).toHaveLength(1);
    expect(data?.[0]?.toString()).toBe('abcdefgh');
    expect(data?.[0]?.buffer).toBe(packet.buffer);
  });

  it('passes on short reads, answers EOF with no bytes, and reports other statuses as errors', () => {
    const { sftp, lastId } = channel();
    const replies: [Error | undefined, readonly Buffer[]][] = [];
    readRange(sftp, handle, 0, 8, (error, data) => replies.push([error, data]));
    sftp.push(dataReply(lastId(), Buffer.from('abc')));
    readRange(sftp, handle, 3, 8, (error, data) => replies.push([error, data]));
    sftp.push(statusReply(lastId(), 1 /* EOF */));
    readRange(sftp, handle, 3, 8, (error, data) => replies.push([error, data]));
    sftp.push(statusReply(lastId(), 3 /* PERMISSION_DENIED */));
    expect(replies.map(([error, data]) => [error?.message, Buffer.concat(data).toString()])).toEqual([
      [undefined, 'abc'],
      [undefined, ''],
      ['status', ''],
    ]);
    expect((replies[2]?.[0] as Error & { code?: number }).code).toBe(3);
  });

  it('refuses a reply longer than asked', () => {
    const { sftp, lastId } = channel();
    const replies: (Error | undefined)[] = [];
    readRange(sftp, handle, 0, 4, (error) => replies.push(error));
    sftp.push(dataReply(lastId(), Buffer.from('abcdefgh')));
    expect(replies[0]?.message).toContain('more data than requested');
  });

  it('still works, copying, when ssh2 keeps its requests differently', () => {
    const { sftp, lastId } = channel();
    // A future ssh2 whose request entries have another shape.
    const internals = sftp as unknown as { read: SFTPWrapper['read']; _requests: Record<number, { len?: number }> };
    const read = internals.read.bind(sftp);
    internals.read = (...args: Parameters<SFTPWrapper['read']>) => {
      read(...args);
      const entry = internals._requests[lastId()];
      if (entry) delete entry.len;
    };
    const replies: Buffer[] = [];
    readRange(sftp, handle, 0, 8, (_error, data) => replies.push(Buffer.concat(data)));
    const first = lastId();
    readRange(sftp, handle, 8, 8, (_error, data) => replies.push(Buffer.concat(data)));
    // Both requests share ssh2's buffer; each reply must be copied out before the next arrives.
    sftp.push(dataReply(first, Buffer.from('12345678')));
    sftp.push(dataReply(lastId(), Buffer.from('abcdefgh')));
    expect(replies.map(String)).toEqual(['12345678', 'abcdefgh']);
  });

  describe('with DATA replies taken off the stream', () => {
    it('hands over a reply spread over several chunks as views of those chunks, header split included', () => {
      const { sftp, lastId } = channel();
      expect(takeDataReplies(sftp)).toBe(true);
      const replies: [Error | undefined, readonly Buffer[]][] = [];
      readRange(sftp, handle, 0, 1000, (error, data) => replies.push([error, data]));
      const body = Buffer.from('x'.repeat(600) + 'y'.repeat(400));
      const packet = dataReply(lastId(), body);
      const chunks = [packet.subarray(0, 7), packet.subarray(7, 500), packet.subarray(500)];
      for (const chunk of chunks) sftp.push(chunk);
      expect(replies).toHaveLength(1);
      const [error, data = []] = replies[0] ?? [];
      expect(error).toBeUndefined();
      expect(Buffer.concat(data).equals(body)).toBe(true);
      // Nothing copied: every piece lies in one of the chunks received.
      for (const piece of data) expect(piece.buffer).toBe(packet.buffer);
      expect(Object.keys((sftp as unknown as { _requests: object })._requests)).toHaveLength(0);
    });

    it('passes every other packet to ssh2 intact, in between and across chunks', () => {
      const { sftp, lastId } = channel();
      expect(takeDataReplies(sftp)).toBe(true);
      const replies: [string | undefined, string][] = [];
      const record = (error: Error | undefined, data: readonly Buffer[]): void => {
        replies.push([error?.message, Buffer.concat(data).toString()]);
      };
      readRange(sftp, handle, 0, 8, record);
      const first = lastId();
      readRange(sftp, handle, 8, 8, record);
      const second = lastId();
      readRange(sftp, handle, 16, 8, record);
      const third = lastId();
      const closed: (Error | undefined | null)[] = [];
      sftp.close(handle, (error) => closed.push(error ?? null));
      const closeId = lastId();
      const stream = Buffer.concat([
        dataReply(first, Buffer.from('12345678')),
        statusReply(second, 1 /* EOF */),
        dataReply(third, Buffer.from('abc')),
        statusReply(closeId, 0 /* OK */),
      ]);
      // One byte at a time: every header and every packet split everywhere.
      for (let at = 0; at < stream.length; at++) sftp.push(stream.subarray(at, at + 1));
      expect(replies).toEqual([
        [undefined, '12345678'],
        [undefined, ''],
        [undefined, 'abc'],
      ]);
      expect(closed).toEqual([null]);
    });

    it('leaves a reply longer than asked to ssh2, which refuses it, and goes on', () => {
      const { sftp, lastId } = channel();
      expect(takeDataReplies(sftp)).toBe(true);
      const replies: [string | undefined, string][] = [];
      const record = (error: Error | undefined, data: readonly Buffer[]): void => {
        replies.push([error?.message, Buffer.concat(data).toString()]);
      };
      readRange(sftp, handle, 0, 4, record);
      sftp.push(dataReply(lastId(), Buffer.from('abcdefgh')));
      readRange(sftp, handle, 4, 4, record);
      sftp.push(dataReply(lastId(), Buffer.from('efgh')));
      expect(replies[0]?.[0]).toContain('more data than requested');
      expect(replies[1]).toEqual([undefined, 'efgh']);
    });

    it('fails READs still waiting when the channel ends', () => {
      const { sftp } = channel();
      expect(takeDataReplies(sftp)).toBe(true);
      const errors: (string | undefined)[] = [];
      readRange(sftp, handle, 0, 8, (error) => errors.push(error?.message));
      sftp.push(null as unknown as Buffer);
      expect(errors).toEqual(['No response from server']);
    });
  });
});
