import type { Writable } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';
import { readRange } from './ssh2ReadReplies.js';
import { OPEN_MODE } from './ssh2Runtime.js';
import { FerryError } from '../../../../shared/errors.js';
import { canceledError } from '../../remote/streams.js';
import { fromSftpError, sftpStatusOf } from './sftpErrors.js';
import { closeHandle, fstatHandle, openWithin, stalledError, type ReplyBounds } from './sftpHandles.js';
import { CONCURRENCY_SUSPECT_STATUSES, type PipelineHooks, type PipelineSettings } from './transferSettings.js';

/** A byte range of the file to ask for. */
interface Range {
  offset: number;
  length: number;
}

/**
 * Downloads `path` from `startOffset` into `destination` with many READ
 * requests in flight, the way OpenSSH's sftp does:
 *
 * - requests go out in file order, up to `requestsInFlight` at once;
 *   each reply's bytes are kept as ssh2 received them (no copy); replies
 *   are put back in order by offset, so a short read (fewer bytes than
 *   asked, legal in SFTP) just re-asks for the rest, and replies in any
 *   order still give the right file;
 * - finished chunks are handed to `destination` in runs, corked, so a
 *   file stream writes them with one writev; when it pushes back, reads
 *   stay in flight until twice the window is buffered, then wait;
 * - EOF is learned from the server: an EOF status, or a READ that comes
 *   back short exactly where FSTAT said the file ends (the server said so
 *   twice, and a small file needs no extra round trip to learn it). The
 *   size only stops us from asking far past it, so a file that grows or
 *   shrinks meanwhile still ends cleanly;
 * - cancel, a failure or a lost session stop new requests, wait for the
 *   outstanding replies (or the session's end), close the handle, and
 *   reject: the session stays usable after a cancel or a refused read;
 * - replies out of order, or a bad-handle failure while several requests
 *   are in flight, tell the session to use one request from now on; the
 *   failed ranges are asked again once, on a fresh handle.
 *
 * Resolves with the bytes written to `destination` (not counting `startOffset`).
 */
export async function pipelinedDownload(
  sftp: SFTPWrapper,
  path: string,
  destination: Writable,
  startOffset: number,
  settings: PipelineSettings,
  hooks: PipelineHooks,
): Promise<number> {
  const { requestSize, requestTimeoutMs } = settings;
  // An OPEN waits no longer than a READ would, and a cancel does not wait for it.
  const bounds: ReplyBounds = { ...hooks, timeoutMs: requestTimeoutMs };
  let handle: Buffer;
  try {
    handle = await openWithin(sftp, path, OPEN_MODE.READ, undefined, bounds);
  } catch (error) {
    throw fromSftpError(error, 'open', path, hooks.isSessionLost());
  }
  /** False once `handle` is closed for good (a reopen that failed): a second CLOSE could hit a handle the server reused. */
  let handleOpen = true;
  // The size from FSTAT only bounds how far ahead we ask; EOF itself comes
  // from the server. FSTAT goes out with the first READ, not a round trip
  // before it, and until it answers that READ is the only one.
  let sizeHint = Infinity;
  let sizeKnown = false;
  let limit = Math.max(1, settings.requestsInFlight);

  let nextOffset = startOffset;
  let writeOffset = startOffset;
  let endOfFile = Infinity;
  const again: Range[] = [];
  /** Replies waiting for the bytes before them, by offset: their pieces and their length. */
  const ready = new Map<number, { pieces: readonly Buffer[]; bytes: number }>();
  let readyBytes = 0;
  const inFlight = new Map<number, Range>();
  let inFlightBytes = 0;
  let nextSequence = 0;
  let failure = null as Error | null;
  let concurrencyRetryUsed = false as boolean;
  /** Why the server may mishandle concurrency, until a one-at-a-time retry confirms it (then the session is told). */
  let suspectedConcurrency = null as string | null;
  /** After a bad-handle failure: wait for the outstanding replies, then open the file afresh. */
  let reopen: 'no' | 'waiting' | 'running' = 'no';
  let paused = false;
  /** Writes handed to the destination whose callbacks have not come back yet. */
  let pendingWrites = 0;
  let whenWritten: (() => void) | null = null;
  let settled = false;
  let lastActivity = Date.now();

  return new Promise<number>((resolve, reject) => {
    const onAbort = (): void => pump();
    const onWritten = (): void => {
      pendingWrites--;
      if (pendingWrites === 0 && whenWritten) {
        const resume = whenWritten;
        whenWritten = null;
        resume();
      }
    };
    const onDrain = (): void => {
      paused = false;
      pump();
    };
    const onDestinationError = (error: Error): void => {
      failure ??= new FerryError('LOCAL_IO', `Cannot write the download of "${path}": ${error.message}`, {
        cause: error,
      });
      pump();
    };
    const watchdog = setInterval(
      () => {
        if (inFlight.size === 0 || Date.now() - lastActivity < requestTimeoutMs) return;
        failure ??= stalledError(path, requestTimeoutMs);
        hooks.onStall();
      },
      Math.max(50, Math.min(requestTimeoutMs / 4, 1000)),
    );
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    destination.on('error', onDestinationError);

    const cleanUp = (): void => {
      settled = true;
      clearInterval(watchdog);
      hooks.signal?.removeEventListener('abort', onAbort);
      destination.off('error', onDestinationError);
      destination.off('drain', onDrain);
    };

    const finish = (error: Error | null): void => {
      if (settled) return;
      cleanUp();
      // Every READ is answered by now. The CLOSE goes out before we settle,
      // so whatever this session sends next reaches the server after it,
      // but its reply is not waited for: a download has nothing to learn
      // from it, and a small file would spend a round trip on it. Our
      // writes land first, so a caller that destroys the destination on
      // failure never has a write of ours still in flight.
      if (handleOpen) closeHandle(sftp, handle, requestTimeoutMs, hooks.isSessionLost).catch(() => undefined);
      new Promise<void>((resolveWrites) => {
        // A destination that failed answers no more write callbacks.
        if (pendingWrites === 0 || destination.destroyed || destination.errored) resolveWrites();
        else whenWritten = resolveWrites;
      }).then(() => {
        if (error) {
          reject(error);
          return;
        }
        if (suspectedConcurrency !== null) hooks.onConcurrencyTrouble(suspectedConcurrency);
        resolve(writeOffset - startOffset);
      }, reject);
    };

    /** Hands every chunk that continues the file to the destination, corked into one write. */
    const flush = (): void => {
      if (paused) return;
      const run: Buffer[] = [];
      for (let reply = ready.get(writeOffset); reply !== undefined; reply = ready.get(writeOffset)) {
        ready.delete(writeOffset);
        run.push(...reply.pieces);
        readyBytes -= reply.bytes;
        writeOffset += reply.bytes;
      }
      if (run.length === 0) return;
      let accepted = true;
      destination.cork();
      for (const chunk of run) {
        pendingWrites++;
        accepted = destination.write(chunk, onWritten);
      }
      destination.uncork();
      hooks.onProgress?.(writeOffset);
      if (!accepted) {
        paused = true;
        destination.once('drain', onDrain);
      }
    };

    const nextRange = (): Range | null => {
      // Ranges to ask again go first, lowest offset first: the lowest is what
      // the destination waits for.
      while (again.length > 0) {
        again.sort((a, b) => a.offset - b.offset);
        const range = again.shift();
        if (range && range.offset < endOfFile) return range;
      }
      if (nextOffset >= endOfFile) return null;
      if (nextOffset >= sizeHint) {
        // Past the size FSTAT gave: one probe at a time until EOF answers,
        // and none while a request reaching that size may still say EOF.
        for (const request of inFlight.values()) if (request.offset + request.length >= sizeHint) return null;
      }
      const range = { offset: nextOffset, length: requestSize };
      nextOffset += requestSize;
      return range;
    };

    const send = (range: Range): void => {
      const sequence = nextSequence++;
      inFlight.set(sequence, range);
      inFlightBytes += range.length;
      try {
        readRange(sftp, handle, range.offset, range.length, (error, data) => {
          onReply(sequence, range, error, data);
        });
      } catch (error) {
        // ssh2 throws rather than calls back when the channel is already
        // unusable (e.g. the connection closing): no reply will ever come.
        inFlight.delete(sequence);
        inFlightBytes -= range.length;
        failure ??= fromSftpError(error, 'read', path, hooks.isSessionLost());
      }
    };

    const onReply = (sequence: number, request: Range, error: Error | undefined, data: readonly Buffer[]): void => {
      lastActivity = Date.now();
      const oldest = inFlight.keys().next().value;
      inFlight.delete(sequence);
      inFlightBytes -= request.length;
      if (oldest !== sequence && limit > 1) {
        limit = 1;
        hooks.onConcurrencyTrouble(`replies to READ requests for "${path}" came out of order`);
      }
      if (error) {
        const status = sftpStatusOf(error);
        if (
          status !== undefined &&
          CONCURRENCY_SUSPECT_STATUSES.has(status) &&
          limit > 1 &&
          !concurrencyRetryUsed &&
          !hooks.isSessionLost()
        ) {
          // Only a retry that succeeds one at a time shows concurrency was the
          // cause; a failure that stays (a file gone, a full disk) must not
          // slow every later transfer on this session.
          suspectedConcurrency = `the server failed a READ of "${path}" with ${limit} in flight (${error.message})`;
          concurrencyRetryUsed = true;
          reopen = 'waiting';
          limit = 1;
          again.unshift({ offset: request.offset, length: request.length });
        } else if (reopen !== 'no') {
          again.push({ offset: request.offset, length: request.length });
        } else {
          failure ??= fromSftpError(error, 'read', path, hooks.isSessionLost());
        }
      } else if (data.length === 0) {
        // An EOF status comes as a read of zero bytes.
        endOfFile = Math.min(endOfFile, request.offset);
      } else {
        const bytes = data.reduce((sum, piece) => sum + piece.length, 0);
        ready.set(request.offset, { pieces: data, bytes });
        readyBytes += bytes;
        const end = request.offset + bytes;
        if (bytes < request.length) {
          if (end === sizeHint) endOfFile = Math.min(endOfFile, end);
          else again.unshift({ offset: end, length: request.length - bytes });
        }
      }
      pump();
    };

    const learnSize = (size: number): void => {
      sizeHint = size;
      sizeKnown = true;
      pump();
    };

    const reopenHandle = (): void => {
      reopen = 'running';
      closeHandle(sftp, handle, requestTimeoutMs, hooks.isSessionLost)
        .catch(() => undefined)
        .then(() => openWithin(sftp, path, OPEN_MODE.READ, undefined, bounds))
        .then(
          (fresh) => {
            handle = fresh;
            reopen = 'no';
            pump();
          },
          (error: unknown) => {
            reopen = 'no';
            handleOpen = false;
            failure ??= fromSftpError(error, 'reopen', path, hooks.isSessionLost());
            pump();
          },
        );
    };

    /** After a failure nothing new goes out; it settles once every request out is answered. True when failed. */
    const stopIfFailed = (): boolean => {
      if (failure === null) return false;
      if (inFlight.size === 0) finish(failure);
      return true;
    };

    const pump = (): void => {
      if (settled) return;
      flush();
      // A fresh handle is on its way; everything waits for it.
      if (reopen === 'running') return;
      if (hooks.signal?.aborted) failure ??= canceledError();
      if (stopIfFailed()) return;
      if (reopen !== 'no') {
        if (inFlight.size === 0) reopenHandle();
        return;
      }
      // Buffered plus requested bytes stay under twice the window, except that
      // one request may go out when none is: it may be the one that fills the
      // gap everything buffered waits behind (a flush that is not paused
      // leaves nothing at writeOffset, and nextRange asks for the lowest
      // missing range first). Not while the destination is full: then what is
      // buffered waits for its drain, which pumps again, and letting one
      // request out per reply would read on, one at a time, until a slow
      // destination (a speed limit, a slow disk) had the whole file buffered here.
      const window = limit * requestSize * 2;
      const room = (): boolean =>
        failure === null &&
        inFlight.size < limit &&
        ((inFlight.size === 0 && !paused) || (sizeKnown && readyBytes + inFlightBytes < window));
      // Refill in bursts (one socket write each) rather than one request per reply.
      if (inFlight.size === 0 || limit - inFlight.size >= Math.min(settings.refillAtLeast, limit)) {
        settings.batch(() => {
          while (room()) {
            const range = nextRange();
            if (!range) break;
            send(range);
          }
        });
      }
      if (stopIfFailed()) return;
      if (inFlight.size > 0 || paused) return;
      if (ready.size > 0) {
        finish(new FerryError('PROTOCOL', `The server left a gap in "${path}" at byte ${writeOffset}`));
        return;
      }
      finish(null);
    };

    settings.batch(() => {
      fstatHandle(sftp, handle).then(
        (stats) => learnSize(typeof stats.size === 'number' ? stats.size : Infinity),
        () => learnSize(Infinity),
      );
      pump();
    });
  });
}
