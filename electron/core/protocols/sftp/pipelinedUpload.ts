import type { Readable } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';
import { OPEN_MODE } from './ssh2Runtime.js';
import { FerryError } from '../../../../shared/errors.js';
import { fromNodeError } from '../../errors/fromNodeError.js';
import { canceledError } from '../../remote/streams.js';
import { takeBytes } from '../../remote/takeBytes.js';
import { fromSftpError, sftpStatusOf } from './sftpErrors.js';
import type { UploadFacts } from '../../remote/remoteFileSystem.js';
import {
  awaitReply,
  closeHandle,
  fstatHandle,
  openWithin,
  stalledError,
  statusRequest,
  type ReplyBounds,
} from './sftpHandles.js';
import { windowHasRoom, writeRange } from './ssh2WriteRequests.js';
import { CONCURRENCY_SUSPECT_STATUSES, type PipelineHooks, type PipelineSettings } from './transferSettings.js';

interface WriteRequest {
  offset: number;
  data: Buffer;
}

/** What goes out with the CLOSE of an upload's handle. */
export interface UploadFinishing {
  /** Send fsync@openssh.com before closing, so the data is on the server's disk when we report success. */
  fsync: boolean;
  /** Give the file this modification time (FSETSTAT on the handle). */
  modified?: Date;
}

/**
 * Uploads `source` to `path` starting at `startOffset` with many WRITE
 * requests in flight: the source is read only while a request slot is
 * free (that is the backpressure), cut into `requestSize` pieces, and
 * each piece is kept until the server acknowledges it, so a bad-handle
 * failure under load can be re-sent on a fresh handle with one request in
 * flight. At `startOffset` > 0 the file is cut there first: what follows
 * is replaced, never left behind. The CLOSE goes out with what
 * `finishing` asks for (see `flushAndClose`). Resolves with the bytes
 * sent and what the server said about the finished file.
 */
export async function pipelinedUpload(
  sftp: SFTPWrapper,
  source: Readable,
  path: string,
  startOffset: number,
  settings: PipelineSettings,
  hooks: PipelineHooks,
  finishing: UploadFinishing,
): Promise<{ bytes: number; facts: UploadFacts }> {
  const { requestSize, requestTimeoutMs } = settings;
  const flags = OPEN_MODE.WRITE | OPEN_MODE.CREAT | (startOffset === 0 ? OPEN_MODE.TRUNC : 0);
  // The requests outside the WRITEs (OPEN, FSETSTAT, FSYNC, FSTAT) wait no
  // longer than a WRITE would, and a cancel does not wait for them.
  const bounds: ReplyBounds = { ...hooks, timeoutMs: requestTimeoutMs };
  let handle: Buffer;
  try {
    handle = await openWithin(sftp, path, flags, 0o644, bounds);
  } catch (error) {
    throw fromSftpError(error, 'open for writing', path, hooks.isSessionLost());
  }
  if (startOffset > 0) {
    const opened = handle;
    try {
      await awaitReply(() => statusRequest((done) => sftp.fsetstat(opened, { size: startOffset }, done)), path, bounds);
    } catch (error) {
      // Nothing was written, so the CLOSE's reply has nothing to tell: not
      // waited for, and a cancel stays prompt.
      closeHandle(sftp, opened, requestTimeoutMs, hooks.isSessionLost).catch(() => undefined);
      throw fromSftpError(error, 'open for writing', path, hooks.isSessionLost());
    }
  }

  let limit = Math.max(1, settings.requestsInFlight);
  const inFlight = new Map<number, WriteRequest>();
  let nextSequence = 0;
  let acknowledged = startOffset;
  let failure = null as Error | null;
  let concurrencyRetryUsed = false as boolean;
  /** Why the server may mishandle concurrency, until a one-at-a-time re-send confirms it (then the session is told). */
  let suspectedConcurrency = null as string | null;
  const resend: WriteRequest[] = [];
  let lastActivity = Date.now();
  let wake: (() => void) | null = null;

  const notify = (): void => {
    const waiting = wake;
    wake = null;
    waiting?.();
  };
  /** Waits until `ready()` holds, re-checking after every reply, abort or stall. */
  const waitUntil = async (ready: () => boolean): Promise<void> => {
    while (!ready()) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };
  const stopped = (): boolean => failure !== null || (hooks.signal?.aborted ?? false);
  /**
   * The closing burst may go out right behind the last WRITEs; until they
   * are answered the server cannot answer it, so its clock runs from the
   * last reply, as the watchdog's does.
   */
  const closingBounds: ReplyBounds = { ...bounds, lastReply: () => lastActivity };

  const onAbort = (): void => notify();
  hooks.signal?.addEventListener('abort', onAbort, { once: true });
  const watchdog = setInterval(
    () => {
      if (inFlight.size === 0 || Date.now() - lastActivity < requestTimeoutMs) return;
      failure ??= stalledError(path, requestTimeoutMs);
      hooks.onStall();
      notify();
    },
    Math.max(50, Math.min(requestTimeoutMs / 4, 1000)),
  );

  const send = (request: WriteRequest): void => {
    const sequence = nextSequence++;
    inFlight.set(sequence, request);
    try {
      writeRange(sftp, handle, request.offset, request.data, onWritten(sequence, request));
    } catch (error) {
      // ssh2 throws rather than calls back when the channel is already
      // unusable (e.g. the connection closing): no reply will ever come.
      inFlight.delete(sequence);
      failure ??= fromSftpError(error, 'write', path, hooks.isSessionLost());
      notify();
    }
  };
  /** The reply to one WRITE: progress, or a failure, or a piece to send again after a concurrency fault. */
  const onWritten =
    (sequence: number, request: WriteRequest) =>
    (error: Error | null | undefined): void => {
      lastActivity = Date.now();
      const oldest = inFlight.keys().next().value;
      inFlight.delete(sequence);
      if (oldest !== sequence && limit > 1) {
        limit = 1;
        hooks.onConcurrencyTrouble(`acknowledgements of WRITE requests for "${path}" came out of order`);
      }
      if (error) {
        const status = sftpStatusOf(error);
        if (
          status !== undefined &&
          CONCURRENCY_SUSPECT_STATUSES.has(status) &&
          (limit > 1 || resend.length > 0) &&
          !concurrencyRetryUsed &&
          !hooks.isSessionLost()
        ) {
          // Only a re-send that succeeds one at a time shows concurrency was
          // the cause; a failure that stays (a full disk) must not slow every
          // later transfer on this session.
          suspectedConcurrency ??= `the server failed a WRITE to "${path}" with ${limit} in flight (${error.message})`;
          limit = 1;
          resend.push(request);
        } else {
          failure ??= fromSftpError(error, 'write', path, hooks.isSessionLost());
        }
      } else {
        acknowledged += request.data.length;
        hooks.onProgress?.(acknowledged);
      }
      notify();
    };

  /**
   * Ends the upload on `opened` in one burst: FSETSTAT with the time (when
   * given), FSYNC (when asked), FSTAT and CLOSE. The server handles one
   * handle's requests in order, so the flush and the size cover every WRITE
   * before them. Rejects with the first failure of the flush or the close
   * (the CLOSE reply is where some servers report a write that failed
   * late); a refused time or size is only left out of the facts, and the
   * caller asks again its own way. A cancel, or no reply within the request
   * timeout, rejects too (CANCELED, or the stalled TIMEOUT with the session
   * dropped); only the CLOSE keeps its own quiet bound (closeHandle).
   */
  const flushAndClose = (opened: Buffer): Promise<UploadFacts> => {
    let timed: Promise<boolean> = Promise.resolve(false);
    let flushed: Promise<void> = Promise.resolve();
    let size: Promise<number | undefined> = Promise.resolve(undefined);
    let closed: Promise<void> = Promise.resolve();
    settings.batch(() => {
      const modified = finishing.modified;
      if (modified !== undefined) {
        const seconds = Math.floor(modified.getTime() / 1000);
        timed = awaitReply(
          () =>
            statusRequest((done) => sftp.fsetstat(opened, { atime: seconds, mtime: seconds }, done)).then(
              () => true,
              () => false,
            ),
          path,
          closingBounds,
        );
      }
      if (finishing.fsync) {
        flushed = awaitReply(
          () => statusRequest((done) => sftp.ext_openssh_fsync(opened, (error) => done(error))),
          path,
          closingBounds,
        ).catch((error: unknown) => {
          throw fromSftpError(error, 'flush to disk', path, hooks.isSessionLost());
        });
      }
      size = awaitReply(
        () =>
          fstatHandle(sftp, opened).then(
            (stats) => stats.size,
            () => undefined,
          ),
        path,
        closingBounds,
      );
      closed = closeHandle(sftp, opened, requestTimeoutMs, hooks.isSessionLost).catch((error: unknown) => {
        throw fromSftpError(error, 'finish writing', path, hooks.isSessionLost());
      });
    });
    return Promise.all([timed, flushed, size, closed]).then(([modifiedSet, , sizeAfter]) => ({
      modifiedSet,
      ...(sizeAfter === undefined ? {} : { size: sizeAfter }),
    }));
  };
  /** The handle whose FSYNC and CLOSE already went out, if any, and their outcome. */
  let closing = null as { handle: Buffer; done: Promise<UploadFacts> } | null;
  /** The handle `release` last closed. */
  let released = null as Buffer | null;
  /** Closes a handle we give up on, unless its CLOSE is already on the way or done (a second one could hit a reused handle). */
  const release = async (opened: Buffer): Promise<void> => {
    if (closing?.handle === opened) {
      await closing.done.catch(() => undefined);
    } else if (released !== opened) {
      released = opened;
      await closeHandle(sftp, opened, requestTimeoutMs, hooks.isSessionLost).catch(() => undefined);
    }
  };

  /** After a bad-handle failure: drain, open afresh, re-send the failed pieces one at a time. */
  const recover = async (): Promise<void> => {
    await waitUntil(() => inFlight.size === 0);
    concurrencyRetryUsed = true;
    if (stopped()) return;
    await release(handle);
    try {
      handle = await openWithin(sftp, path, OPEN_MODE.WRITE, undefined, bounds);
    } catch (error) {
      failure ??= fromSftpError(error, 'reopen', path, hooks.isSessionLost());
      return;
    }
    const pieces = resend.splice(0).sort((a, b) => a.offset - b.offset);
    for (const piece of pieces) {
      send(piece);
      await waitUntil(() => inFlight.size === 0 || stopped());
      if (stopped()) return;
    }
  };

  /** A failed piece waits for the one recovery on a fresh handle; nothing new goes out before it. */
  const recoveryDue = (): boolean => resend.length > 0 && !concurrencyRetryUsed;

  let offset = startOffset;
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  /**
   * A request slot is free and the server's window has room for the next
   * piece. Beyond the window a WRITE would wait in ssh2's buffer, copied
   * twice more; better to wait for the next reply, which comes with the
   * window widened. With nothing in flight no reply will come, so ssh2
   * takes the piece and waits for the window itself.
   */
  const slotFree = (): boolean =>
    inFlight.size < limit &&
    (inFlight.size === 0 || windowHasRoom(sftp, handle.length, Math.min(requestSize, pendingBytes)));
  /**
   * Once the last piece is out, a server that has shown no trouble with
   * concurrency gets the closing burst right behind it instead of a round
   * trip later: for a small file that is most of the time it takes.
   */
  const closeEarly = (): void => {
    if (closing !== null || pendingBytes > 0 || stopped() || limit <= 1 || recoveryDue()) return;
    const done = flushAndClose(handle);
    // Awaited below; until then a failure must not count as unhandled.
    done.catch(() => undefined);
    closing = { handle, done };
  };
  /**
   * Sends as many pieces as there are free request slots, in one socket
   * write (ssh2 writes every SSH packet on its own otherwise, two or three
   * per piece). Only whole pieces unless `final`, when the tail goes too,
   * and with it the closing burst when it fits in the same write.
   */
  const sendPieces = (final: boolean): void => {
    settings.batch(() => {
      while (!stopped() && !recoveryDue() && slotFree()) {
        const size = Math.min(requestSize, pendingBytes);
        if (size === 0 || (size < requestSize && !final)) break;
        const data = takeBytes(pending, size);
        pendingBytes -= data.length;
        send({ offset, data });
        offset += data.length;
      }
      if (final) closeEarly();
    });
  };
  /** Sends what is buffered (all of it when `final`), waiting for free slots and recovering failed pieces first. */
  const sendBuffered = async (final: boolean): Promise<void> => {
    sendPieces(final);
    while (!stopped() && (pendingBytes >= requestSize || (final && pendingBytes > 0))) {
      await waitUntil(() => stopped() || recoveryDue() || slotFree());
      if (recoveryDue()) await recover();
      sendPieces(final);
    }
  };

  try {
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        await sendBuffered(false);
        if (stopped()) break;
      }
    } catch (error) {
      failure ??= fromNodeError(error, 'read', 'the upload source');
    }
    await sendBuffered(true);
    await waitUntil(() => inFlight.size === 0);
    if (recoveryDue() && !stopped()) await recover();
    if (resend.length > 0) {
      failure ??= new FerryError('PROTOCOL', `The server kept failing WRITE requests for "${path}"`, {
        retryable: true,
      });
    }
    if (hooks.signal?.aborted) failure ??= canceledError();
    if (failure) throw failure;
    // Kept in `closing` so that a failure of it does not send a second CLOSE (see release).
    if (closing?.handle !== handle) closing = { handle, done: flushAndClose(handle) };
    const facts = await closing.done;
    if (suspectedConcurrency !== null) hooks.onConcurrencyTrouble(suspectedConcurrency);
    return { bytes: offset - startOffset, facts };
  } catch (error) {
    await release(handle);
    throw error;
  } finally {
    clearInterval(watchdog);
    hooks.signal?.removeEventListener('abort', onAbort);
  }
}
