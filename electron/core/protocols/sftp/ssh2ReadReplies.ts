import type { SFTPWrapper } from 'ssh2';
import { ssh2Utils } from './ssh2Runtime.js';

/**
 * Answers one READ: the bytes the server sent, in one or more pieces (none
 * means EOF), or the failure. The pieces may be views into packets ssh2
 * received; ssh2 never writes into a packet again once it has handed it
 * on, so keeping them is safe.
 */
export type ReadReply = (error: Error | undefined, data: readonly Buffer[]) => void;

const EOF_STATUS: number = ssh2Utils.sftp.STATUS_CODE.EOF;
/** SSH_FXP_DATA, and the bytes before its data: length, type, request id, data length. */
const FXP_DATA = 103;
const DATA_HEADER = 13;

/** What ssh2 keeps per outstanding request in its private table. */
interface Ssh2Request {
  cb: unknown;
  buffer: unknown;
  len: unknown;
}

interface Ssh2Internals {
  _writeReqid?: unknown;
  _requests?: unknown;
  _pktLenBytes?: unknown;
  _pkt?: unknown;
  push?: unknown;
}

/** A READ whose DATA reply is cut out of the stream before ssh2 parses it. */
interface TakenRead {
  length: number;
  done: ReadReply;
}

/** The channels whose DATA replies are taken off the stream, with the READs waiting for them. */
const takenReads = new WeakMap<SFTPWrapper, Map<number, TakenRead>>();

/**
 * The buffer ssh2's read() is given when its reply is taken over (it is
 * then never written), or that it copies into when the takeover is not
 * possible. One byte longer than any request, so ssh2's own "more data
 * than requested" check can fire in the fallback.
 */
let scratch = Buffer.alloc(0);

function scratchFor(length: number): Buffer {
  if (scratch.length <= length) scratch = Buffer.allocUnsafe(length + 1);
  return scratch;
}

/**
 * Cuts the DATA replies of READs sent through readRange out of the SFTP
 * channel's incoming stream, as the pieces of the SSH packets they arrived
 * in. ssh2 would first assemble every reply that spans SSH packets (a
 * 64 KiB reply spans three) into a fresh buffer, then copy it again into
 * the caller's: on a large download those allocations cost more CPU, in
 * V8's full garbage collections, than the decryption. Every other packet
 * is passed on to ssh2 byte for byte, so its own parser stays in step.
 * Install before anything else wraps the channel's `push` (the receive
 * window keeper must still see every byte), and only between packets.
 * Returns false, changing nothing, if ssh2's private fields look different.
 */
export function takeDataReplies(sftp: SFTPWrapper): boolean {
  const internals = sftp as unknown as Ssh2Internals;
  const push = internals.push;
  if (
    typeof push !== 'function' ||
    typeof internals._requests !== 'object' ||
    internals._requests === null ||
    internals._pktLenBytes !== 0 ||
    internals._pkt !== undefined
  ) {
    return false;
  }
  const requests = internals._requests as Record<number, unknown>;
  const taken = new Map<number, TakenRead>();
  const forward = (data: Buffer | null): unknown => (push as (data: Buffer | null) => unknown).call(sftp, data);

  const header = Buffer.alloc(DATA_HEADER);
  let headerBytes = 0;
  /** Bytes of the current packet still to come: forwarded to ssh2, or collected for a taken READ. */
  let remaining = 0;
  let current: { id: number; read: TakenRead; pieces: Buffer[] } | null = null;

  const deliver = (): void => {
    const reply = current;
    current = null;
    if (reply === null) return;
    taken.delete(reply.id);
    // ssh2 never sees this reply: its entry for the request must go too.
    Reflect.deleteProperty(requests, reply.id);
    reply.read.done(undefined, reply.pieces);
  };

  /** Decides what the packet whose first bytes are in `header` is, once enough of them are there. */
  const startPacket = (): void => {
    const total = 4 + header.readUInt32BE(0);
    const needed = Math.min(DATA_HEADER, total);
    if (headerBytes < needed) return;
    const id = needed === DATA_HEADER ? header.readUInt32BE(5) : -1;
    const read = taken.get(id);
    const dataLength = needed === DATA_HEADER ? header.readUInt32BE(9) : -1;
    headerBytes = 0;
    if (
      header[4] === FXP_DATA &&
      read !== undefined &&
      dataLength === total - DATA_HEADER &&
      dataLength <= read.length
    ) {
      current = { id, read, pieces: [] };
      remaining = dataLength;
      if (remaining === 0) deliver();
      return;
    }
    // Not ours, or malformed, or longer than asked: ssh2 parses it and reports as it does.
    forward(Buffer.from(header.subarray(0, needed)));
    remaining = total - needed;
  };

  internals.push = function pushTakingDataReplies(data: Buffer | null): unknown {
    if (data === null) return forward(null);
    let at = 0;
    while (at < data.length) {
      if (remaining > 0) {
        const count = Math.min(remaining, data.length - at);
        const piece = data.subarray(at, at + count);
        if (current === null) forward(piece);
        else current.pieces.push(piece);
        remaining -= count;
        at += count;
        if (remaining === 0 && current !== null) deliver();
        continue;
      }
      // The length first, then at most the DATA header, never past this packet.
      const wanted = headerBytes < 4 ? 4 : Math.min(DATA_HEADER, 4 + header.readUInt32BE(0));
      const count = Math.min(wanted - headerBytes, data.length - at);
      data.copy(header, headerBytes, at, at + count);
      headerBytes += count;
      at += count;
      if (headerBytes >= 4) startPacket();
    }
    return undefined;
  };
  takenReads.set(sftp, taken);
  return true;
}

/**
 * Sends a READ of `length` bytes at `offset` and hands the reply's bytes to
 * `done` without copying them: cut off the stream where takeDataReplies
 * runs on the channel, else as ssh2 parsed them. ssh2's read() copies
 * every reply into a buffer the caller allocates; to avoid that, the
 * request it just registered is changed in its private table (a reply
 * longer than asked is then refused; ssh2 would truncate it silently). If
 * that table ever looks different, the reply is copied out of a shared
 * scratch buffer instead: correct, only slower.
 */
export function readRange(sftp: SFTPWrapper, handle: Buffer, offset: number, length: number, done: ReadReply): void {
  const buffer = scratchFor(length);
  // The fallback: ssh2 copies the reply into the scratch buffer and calls
  // back at once, so copying it out right away cannot mix up replies.
  sftp.read(handle, buffer, 0, length, offset, (error, bytesRead) => {
    if (error) done(error, []);
    else done(undefined, bytesRead > 0 ? [Buffer.from(buffer.subarray(0, bytesRead))] : []);
  });
  const internals = sftp as unknown as Ssh2Internals;
  const id = internals._writeReqid;
  const requests = internals._requests;
  if (typeof id !== 'number' || typeof requests !== 'object' || requests === null) return;
  const request = (requests as Record<number, Partial<Ssh2Request> | undefined>)[id];
  if (
    request === undefined ||
    typeof request.cb !== 'function' ||
    !Buffer.isBuffer(request.buffer) ||
    request.buffer.length !== length ||
    request.len !== length
  ) {
    return;
  }
  const taken = takenReads.get(sftp);
  taken?.set(id, { length, done });
  // ssh2 calls back with (error) for a STATUS reply (and for every request
  // still open when the channel closes), (undefined, data) for DATA when
  // the request has no buffer, and () for a STATUS OK.
  request.buffer = undefined;
  request.cb = (error: (Error & { code?: unknown }) | undefined, data: unknown): void => {
    taken?.delete(id);
    if (error) {
      if (error.code === EOF_STATUS) done(undefined, []);
      else done(error, []);
    } else if (!Buffer.isBuffer(data) || data.length === 0) {
      done(undefined, []);
    } else if (data.length > length) {
      done(new Error(`Received more data than requested (${data.length} bytes for ${length})`), []);
    } else {
      done(undefined, [data]);
    }
  };
}
