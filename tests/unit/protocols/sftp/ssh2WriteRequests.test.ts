import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { windowHasRoom, writeRange } from '../../../../electron/core/protocols/sftp/ssh2WriteRequests.js';
import { statusReply } from './sftpReplies.js';

// ssh2's own SFTP channel, packet writer and unencrypted cipher, wired to a
// recorder: the test exercises the private state writeRange relies on, as
// the installed ssh2 really has it.
const require = createRequire(import.meta.url);
const { SFTP } = require('ssh2/lib/protocol/SFTP.js') as {
  SFTP: new (client: unknown, chanInfo: unknown, config: unknown) => SFTPWrapper & { push(data: Buffer): void };
};
const { NullCipher } = require('ssh2/lib/protocol/crypto.js') as {
  NullCipher: new (seqno: number, onWrite: (packet: Buffer) => void) => unknown;
};
const { PacketWriter } = require('ssh2/lib/protocol/zlib.js') as {
  PacketWriter: new (protocol: unknown) => unknown;
};

const SSH_MSG_CHANNEL_DATA = 94;
const SSH_FXP_WRITE = 6;
const CHANNEL_ID = 7;
const PACKET_SIZE = 32768;

interface Outgoing {
  id: number;
  window: number;
  packetSize: number;
  state: string;
}

/**
 * An SFTP client channel. What ssh2's own write() sends is recorded as it
 * hands it to channelData; what goes out as whole SSH packets (the direct
 * path) is recorded as the packets the cipher writes.
 */
function channel(window = 2 ** 30) {
  const handedToChannel: Buffer[] = [];
  const packets: Buffer[] = [];
  const protocol: Record<string, unknown> = {
    _remoteIdentRaw: 'SSH-2.0-OpenSSH_9.2',
    _kexinit: undefined,
    channelData: (_id: number, data: Buffer) => handedToChannel.push(Buffer.from(data)),
  };
  protocol._cipher = new NullCipher(0, (packet) => packets.push(Buffer.from(packet)));
  protocol._packetRW = { write: new PacketWriter(protocol) };
  const outgoing: Outgoing = { id: CHANNEL_ID, window, packetSize: PACKET_SIZE, state: 'open' };
  const sftp = new SFTP(
    { _protocol: protocol },
    {
      type: 'sftp',
      incoming: { id: 0, window: 2 ** 21, packetSize: PACKET_SIZE, state: 'open' },
      outgoing,
    },
    {},
  );
  // The server's VERSION packet (version 3, no extensions) opens the session.
  sftp.push(Buffer.from([0, 0, 0, 5, 2, 0, 0, 0, 3]));
  return { sftp, protocol, outgoing, handedToChannel, packets };
}

/** The channel data carried by unencrypted SSH packets, each checked to be CHANNEL_DATA on our channel. */
function channelDataOf(packets: readonly Buffer[]): Buffer[] {
  return packets.map((packet) => {
    const padding = packet[4] ?? 0;
    const payload = packet.subarray(5, packet.readUInt32BE(0) + 4 - padding);
    expect(payload[0]).toBe(SSH_MSG_CHANNEL_DATA);
    expect(payload.readUInt32BE(1)).toBe(CHANNEL_ID);
    const data = payload.subarray(9);
    expect(data.length).toBe(payload.readUInt32BE(5));
    return data;
  });
}

const handle = Buffer.from('handle-1');

describe('writeRange', () => {
  it('sends exactly the WRITE ssh2 would, cut into SSH packets no larger than the channel allows', () => {
    const data = randomBytes(3 * PACKET_SIZE + 1234);
    const offset = 2 ** 32 + 7;
    const direct = channel();
    writeRange(direct.sftp, handle, offset, data, () => undefined);
    expect(direct.handedToChannel).toHaveLength(0);
    const pieces = channelDataOf(direct.packets);
    expect(pieces.map((piece) => piece.length)).toEqual([PACKET_SIZE, PACKET_SIZE, PACKET_SIZE, 1234 + 33]);

    const reference = channel();
    reference.sftp.write(handle, data, 0, data.length, offset, () => undefined);
    expect(Buffer.concat(pieces)).toEqual(Buffer.concat(reference.handedToChannel));
    const sent = Buffer.concat(pieces);
    expect(sent[4]).toBe(SSH_FXP_WRITE);
    expect(sent.readUInt32BE(0)).toBe(sent.length - 4);
    expect(direct.outgoing.window).toBe(2 ** 30 - sent.length);
  });

  it("takes the server's answers through ssh2's request table, in turn with ssh2's own requests", () => {
    const { sftp, packets } = channel();
    const answers: (Error | undefined)[] = [];
    writeRange(sftp, handle, 0, Buffer.from('first'), (error) => answers.push(error));
    sftp.write(handle, Buffer.from('second'), 0, 6, 5, () => undefined);
    writeRange(sftp, handle, 11, Buffer.from('third'), (error) => answers.push(error));
    const ids = channelDataOf(packets).map((piece) => piece.readUInt32BE(5));
    expect(ids).toEqual([0, 2]);

    sftp.push(statusReply(2, 4 /* FAILURE */));
    sftp.push(statusReply(0, 0 /* OK */));
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatchObject({ code: 4 });
    expect(answers[1]).toBeUndefined();
  });

  it('fails a WRITE still open when the channel closes', () => {
    const { sftp } = channel();
    const answers: (Error | undefined)[] = [];
    writeRange(sftp, handle, 0, Buffer.from('data'), (error) => answers.push(error));
    sftp.push(null as unknown as Buffer);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toBeInstanceOf(Error);
  });

  it("leaves the WRITE to ssh2 when the window cannot take it whole, so ssh2's buffer keeps the order", () => {
    const { sftp, handedToChannel, packets, outgoing } = channel(1000);
    const data = randomBytes(5000);
    const answers: (Error | undefined)[] = [];
    writeRange(sftp, handle, 0, data, (error) => answers.push(error));
    expect(packets).toHaveLength(0);
    expect(Buffer.concat(handedToChannel).length).toBe(1000);
    expect(outgoing.window).toBe(0);

    // Held back by ssh2: a later WRITE must not overtake it, even with window again.
    outgoing.window = 2 ** 20;
    writeRange(sftp, handle, 5000, Buffer.from('later'), () => undefined);
    expect(packets).toHaveLength(0);
    expect(windowHasRoom(sftp, handle.length, 10)).toBe(false);
  });

  it('leaves the WRITE to ssh2 during a key exchange, which ssh2 queues', () => {
    const { sftp, protocol, handedToChannel, packets } = channel();
    protocol._kexinit = {};
    writeRange(sftp, handle, 0, Buffer.from('data'), () => undefined);
    expect(packets).toHaveLength(0);
    expect(handedToChannel).toHaveLength(1);
  });

  it('leaves the WRITE to ssh2 while packets queued during a key exchange still wait to go', () => {
    const { sftp, protocol, handedToChannel, packets } = channel();
    protocol._queue = [Buffer.from('queued')];
    writeRange(sftp, handle, 0, Buffer.from('data'), () => undefined);
    expect(packets).toHaveLength(0);
    expect(handedToChannel).toHaveLength(1);

    protocol._queue = undefined;
    writeRange(sftp, handle, 4, Buffer.from('more'), () => undefined);
    expect(packets).toHaveLength(1);
  });

  it('numbers requests as the wire does when the ids wrap around', () => {
    const { sftp, packets } = channel();
    const internals = sftp as unknown as { _writeReqid: number };
    const answers: (Error | undefined)[] = [];
    internals._writeReqid = 2 ** 32 - 1;
    writeRange(sftp, handle, 0, Buffer.from('wrapped'), (error) => answers.push(error));
    // ssh2 itself turns ids negative past 2^31; the next id is still the one on the wire.
    internals._writeReqid = -(2 ** 31);
    writeRange(sftp, handle, 7, Buffer.from('signed'), (error) => answers.push(error));
    const ids = channelDataOf(packets).map((piece) => piece.readUInt32BE(5));
    expect(ids).toEqual([0, 2 ** 31 + 1]);

    sftp.push(statusReply(2 ** 31 + 1, 0));
    sftp.push(statusReply(0, 0));
    expect(answers).toEqual([undefined, undefined]);
  });

  it("leaves the WRITE to ssh2 when ssh2's private state looks different", () => {
    const { sftp, protocol, handedToChannel, packets } = channel();
    protocol._packetRW = {};
    writeRange(sftp, handle, 0, Buffer.from('data'), () => undefined);
    expect(packets).toHaveLength(0);
    expect(handedToChannel).toHaveLength(1);
  });
});

describe('windowHasRoom', () => {
  it('tells whether the window takes a whole WRITE', () => {
    const { sftp, outgoing } = channel(2 ** 21);
    const overhead = 25 + handle.length;
    expect(windowHasRoom(sftp, handle.length, 32768)).toBe(true);
    outgoing.window = 1000;
    expect(windowHasRoom(sftp, handle.length, 1000 - overhead - 1)).toBe(true);
    expect(windowHasRoom(sftp, handle.length, 1000 - overhead)).toBe(false);
    outgoing.window = 0;
    expect(windowHasRoom(sftp, handle.length, 1)).toBe(false);
  });

  it("says yes when the server's window never takes a whole request, so ssh2 sends each piece as it opens", () => {
    // Dropbear grants 24 KiB at a time: waiting for room for 32 KiB would wait for every reply.
    const { sftp, outgoing } = channel(24576);
    expect(windowHasRoom(sftp, handle.length, 32768)).toBe(true);
    outgoing.window = 1000;
    expect(windowHasRoom(sftp, handle.length, 32768)).toBe(true);
    expect(windowHasRoom(sftp, handle.length, 100)).toBe(true);
    expect(windowHasRoom(sftp, handle.length, 2000)).toBe(false);
  });

  it("says yes when ssh2's state is not recognised, so uploads go on through ssh2", () => {
    const unrecognised: unknown = {};
    expect(windowHasRoom(unrecognised as SFTPWrapper, handle.length, 1)).toBe(true);
  });
});
