import type { SFTPWrapper } from 'ssh2';
import { ssh2Utils } from './ssh2Runtime.js';

/**
 * Answers one READ: the bytes the server sent (zero bytes means EOF), or
 * the failure. The bytes may be a view into a packet ssh2 received; ssh2
 * never writes into a packet again once it has handed it on, so keeping
 * the view is safe.
 */
export type ReadReply = (error: Error | undefined, data: Buffer) => void;

const EMPTY = Buffer.alloc(0);
const EOF_STATUS: number = ssh2Utils.sftp.STATUS_CODE.EOF;

/** What ssh2 keeps per outstanding request in its private table. */
interface Ssh2Request {
  cb: unknown;
  buffer: unknown;
  len: unknown;
}

/**
 * The buffer ssh2's read() is given when its reply is taken over below (it
 * is then never written), or that it copies into when the takeover is not
 * possible. One byte longer than any request, so ssh2's own "more data than
 * requested" check can fire in the fallback.
 */
let scratch = Buffer.alloc(0);

function scratchFor(length: number): Buffer {
  if (scratch.length <= length) scratch = Buffer.allocUnsafe(length + 1);
  return scratch;
}

/**
 * Sends a READ of `length` bytes at `offset` and hands the reply's bytes to
 * `done` without copying them. ssh2's read() copies every reply into a
 * buffer the caller allocates, so a download would allocate and copy each
 * byte once more than needed; on a large transfer those allocations
 * (memory outside V8's heap, which V8 pays for with full garbage
 * collections) cost more CPU than the decryption. ssh2 has no call for
 * "give me the bytes", so the request it just registered is changed in its
 * private table to carry no buffer, which makes ssh2 pass the data as it
 * parsed it; a reply longer than asked is refused (ssh2 would truncate it
 * silently). If that table ever looks different, the reply is copied out
 * of a shared scratch buffer instead: correct, only slower.
 */
export function readRange(sftp: SFTPWrapper, handle: Buffer, offset: number, length: number, done: ReadReply): void {
  const buffer = scratchFor(length);
  // The fallback: ssh2 copies the reply into the scratch buffer and calls
  // back at once, so copying it out right away cannot mix up replies.
  sftp.read(handle, buffer, 0, length, offset, (error, bytesRead) => {
    if (error) done(error, EMPTY);
    else done(undefined, bytesRead > 0 ? Buffer.from(buffer.subarray(0, bytesRead)) : EMPTY);
  });
  const internals = sftp as unknown as { _writeReqid?: unknown; _requests?: unknown };
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
  // ssh2 calls back with (error) for a STATUS reply, (undefined, data) for
  // DATA when the request has no buffer, and () for a STATUS OK.
  request.buffer = undefined;
  request.cb = (error: (Error & { code?: unknown }) | undefined, data: unknown): void => {
    if (error) {
      if (error.code === EOF_STATUS) done(undefined, EMPTY);
      else done(error, EMPTY);
    } else if (!Buffer.isBuffer(data)) {
      done(undefined, EMPTY);
    } else if (data.length > length) {
      done(new Error(`Received more data than requested (${data.length} bytes for ${length})`), EMPTY);
    } else {
      done(undefined, data);
    }
  };
}
