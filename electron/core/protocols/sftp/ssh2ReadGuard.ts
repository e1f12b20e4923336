import type { SFTPWrapper } from 'ssh2';

/**
 * Makes ssh2 reject a READ reply that carries more bytes than were asked
 * for, instead of silently cutting it to size. ssh2 copies a DATA reply
 * into the slice it was given for the request, exactly as long as the
 * request, so an oversized reply is truncated unseen; with one spare byte
 * in that slice its own "Received more data than requested" check fires.
 * Call right after `sftp.read()`, with the buffer given to it (one byte
 * longer than `length`). The request is found in ssh2's private request
 * table; if that ever looks different, nothing is changed and replies are
 * merely truncated, as before.
 */
export function detectOversizedReads(sftp: SFTPWrapper, buffer: Buffer, length: number): void {
  if (buffer.length <= length) return;
  const internals = sftp as unknown as { _writeReqid?: unknown; _requests?: unknown };
  const id = internals._writeReqid;
  const requests = internals._requests;
  if (typeof id !== 'number' || typeof requests !== 'object' || requests === null) return;
  const request: unknown = (requests as Record<number, unknown>)[id];
  if (typeof request !== 'object' || request === null || !('buffer' in request) || !('len' in request)) return;
  if (!Buffer.isBuffer(request.buffer) || request.buffer.length !== length || request.len !== length) return;
  (request as { buffer: Buffer }).buffer = buffer.subarray(0, length + 1);
}
