import type { SFTPWrapper } from 'ssh2';

/** Answers one WRITE: nothing when the server took it, else the failure. */
export type WriteReply = (error: Error | undefined) => void;

/** SSH_MSG_CHANNEL_DATA, and its header: type, recipient channel, data length. */
const CHANNEL_DATA = 94;
const CHANNEL_DATA_HEADER = 9;
/** SSH_FXP_WRITE, and its bytes around the handle: length, type, id, handle length; offset, data length. */
const FXP_WRITE = 6;
const WRITE_HEADER = 4 + 1 + 4 + 4 + 8 + 4;

/** ssh2's packet builder for the connection (plain, or compressing). */
interface PacketWriter {
  allocStart: number;
  alloc: (payloadLength: number) => Buffer;
  finalize: (packet: Buffer) => Buffer;
}

/** The parts of ssh2's private SFTP channel state a WRITE is sent through. */
interface Ssh2WriteInternals {
  outgoing?: { state?: unknown; window?: unknown; packetSize?: unknown; id?: unknown };
  _buffer?: unknown;
  _requests?: unknown;
  _writeReqid?: unknown;
  _maxWriteLen?: unknown;
  _protocol?: {
    _kexinit?: unknown;
    _queue?: unknown;
    _cipher?: { encrypt?: unknown };
    _packetRW?: { write?: Partial<PacketWriter> };
  };
}

/** Everything the direct path needs, checked, or null when ssh2 must send the WRITE itself. */
interface DirectPath {
  outgoing: { window: number; packetSize: number; id: number };
  requests: Record<number, { cb: (error?: Error) => void } | undefined>;
  writer: PacketWriter;
  encrypt: (packet: Buffer) => void;
}

function directPath(sftp: SFTPWrapper, payloadLength: number, dataLength: number): DirectPath | null {
  const internals = sftp as unknown as Ssh2WriteInternals;
  const outgoing = internals.outgoing;
  const protocol = internals._protocol;
  const writer = protocol?._packetRW?.write;
  const cipher = protocol?._cipher;
  if (
    outgoing === undefined ||
    outgoing.state !== 'open' ||
    typeof outgoing.window !== 'number' ||
    typeof outgoing.packetSize !== 'number' ||
    outgoing.packetSize <= 0 ||
    typeof outgoing.id !== 'number' ||
    // Anything ssh2 holds back for lack of window goes first, in its order.
    !Array.isArray(internals._buffer) ||
    internals._buffer.length > 0 ||
    // Strictly more window than this takes: running it to zero is ssh2's to handle.
    outgoing.window <= payloadLength ||
    typeof internals._requests !== 'object' ||
    internals._requests === null ||
    typeof internals._writeReqid !== 'number' ||
    typeof internals._maxWriteLen !== 'number' ||
    dataLength > internals._maxWriteLen ||
    // During a key exchange ssh2 queues packets, and sends them itself once it is done.
    protocol === undefined ||
    protocol._kexinit !== undefined ||
    (protocol._queue !== undefined && !(Array.isArray(protocol._queue) && protocol._queue.length === 0)) ||
    typeof cipher?.encrypt !== 'function' ||
    writer === undefined ||
    typeof writer.allocStart !== 'number' ||
    typeof writer.alloc !== 'function' ||
    typeof writer.finalize !== 'function'
  ) {
    return null;
  }
  return {
    outgoing: outgoing as DirectPath['outgoing'],
    requests: internals._requests as DirectPath['requests'],
    writer: writer as PacketWriter,
    encrypt: (packet) => (cipher.encrypt as (packet: Buffer) => void).call(cipher, packet),
  };
}

/** The widest send window each SFTP channel's server has granted, as far as seen. */
const widestWindow = new WeakMap<SFTPWrapper, number>();

/**
 * False when a WRITE of `dataLength` bytes on a handle of `handleLength`
 * bytes would have to wait in ssh2's buffer for the server to widen the
 * window (where ssh2 copies it twice more); true when it can go straight
 * out, or when ssh2's state is not recognised (every WRITE then goes
 * through ssh2, as it would anyway).
 */
export function windowHasRoom(sftp: SFTPWrapper, handleLength: number, dataLength: number): boolean {
  const internals = sftp as unknown as Ssh2WriteInternals;
  const window = internals.outgoing?.window;
  const buffered = internals._buffer;
  if (typeof window !== 'number' || !Array.isArray(buffered)) return true;
  const widest = Math.max(widestWindow.get(sftp) ?? 0, window);
  widestWindow.set(sftp, widest);
  const payloadLength = WRITE_HEADER + handleLength + dataLength;
  // A server whose window never takes a whole request (Dropbear grants
  // 24 KiB at a time) would make every request wait for the one before:
  // there ssh2 holds the pieces and sends each as the window opens.
  if (payloadLength >= widest) return true;
  return buffered.length === 0 && window > payloadLength;
}

/**
 * Sends a WRITE of `data` at `offset` on `handle`, with `done` called on
 * the server's answer. ssh2's write() copies the data into an SFTP packet
 * and then again into each SSH packet it is cut into, allocating a buffer
 * for each: on a large upload those copies and the garbage collections
 * they cause cost about as much as the encryption. Here the bytes go once,
 * straight from `data` into the SSH packets, through ssh2's own packet
 * builder and cipher, and the request is registered in ssh2's table so
 * its reply (and the failure of every open request when the channel
 * closes) is handled as for its own. Whenever ssh2's private state looks
 * different, or ssh2 would have to wait or queue (no window, a key
 * exchange), ssh2's write() sends it: correct, only slower.
 */
export function writeRange(sftp: SFTPWrapper, handle: Buffer, offset: number, data: Buffer, done: WriteReply): void {
  const header = Buffer.allocUnsafe(WRITE_HEADER + handle.length);
  const payloadLength = header.length + data.length;
  const direct = directPath(sftp, payloadLength, data.length);
  if (direct === null) {
    sftp.write(handle, data, 0, data.length, offset, (error) => done(error ?? undefined));
    return;
  }
  const internals = sftp as unknown as { _writeReqid: number };
  // ssh2's ids turn negative past 2^31 (it masks with a signed &); ours
  // stay what the wire carries, so the reply is found under the same key.
  const id = (internals._writeReqid + 1) >>> 0;
  internals._writeReqid = id;
  direct.requests[id] = { cb: (error) => done(error ?? undefined) };

  let at = header.writeUInt32BE(payloadLength - 4, 0);
  at = header.writeUInt8(FXP_WRITE, at);
  at = header.writeUInt32BE(id, at);
  at = header.writeUInt32BE(handle.length, at);
  at += handle.copy(header, at);
  at = header.writeUInt32BE(Math.floor(offset / 2 ** 32), at);
  at = header.writeUInt32BE(offset % 2 ** 32, at);
  header.writeUInt32BE(data.length, at);

  const { outgoing, writer } = direct;
  const sources = [header, data];
  let source = 0;
  let sourceAt = 0;
  let left = payloadLength;
  while (left > 0) {
    const length = Math.min(left, outgoing.packetSize);
    const start = writer.allocStart;
    const packet = writer.alloc(CHANNEL_DATA_HEADER + length);
    packet[start] = CHANNEL_DATA;
    packet.writeUInt32BE(outgoing.id, start + 1);
    packet.writeUInt32BE(length, start + 5);
    let into = start + CHANNEL_DATA_HEADER;
    let wanted = length;
    while (wanted > 0) {
      const from = sources[source] as Buffer;
      const count = Math.min(wanted, from.length - sourceAt);
      packet.set(from.subarray(sourceAt, sourceAt + count), into);
      into += count;
      wanted -= count;
      sourceAt += count;
      if (sourceAt === from.length) {
        source += 1;
        sourceAt = 0;
      }
    }
    outgoing.window -= length;
    left -= length;
    direct.encrypt(writer.finalize(packet));
  }
}
