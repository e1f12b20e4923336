import type { SFTPWrapper, Stats } from 'ssh2';
import { FerryError } from '../../../../shared/errors.js';
import { canceledError } from '../../remote/streams.js';

/** Opens a remote file; flags are SFTP pflags (ssh2's OPEN_MODE bits). */
export function openHandle(sftp: SFTPWrapper, path: string, flags: number, mode?: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | undefined, handle: Buffer): void => {
      if (error) reject(error);
      else resolve(handle);
    };
    if (mode === undefined) sftp.open(path, flags, done);
    else sftp.open(path, flags, { mode }, done);
  });
}

/** The attributes of an open file. */
export function fstatHandle(sftp: SFTPWrapper, handle: Buffer): Promise<Stats> {
  return new Promise((resolve, reject) => {
    sftp.fstat(handle, (error, stats) => {
      if (error) reject(error);
      else resolve(stats);
    });
  });
}

/** Runs one callback-style SFTP request that answers with a status only. */
export function statusRequest(start: (done: (error?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    start((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}

/**
 * Closes a handle, waiting at most `timeoutMs`. A lost session has no
 * handles left to close, and a reply that never comes must not hold up the
 * error the caller is about to report; only a CLOSE the server refuses is
 * an error (for an upload it can mean the data did not land).
 */
export async function closeHandle(
  sftp: SFTPWrapper,
  handle: Buffer,
  timeoutMs: number,
  sessionLost: () => boolean,
): Promise<void> {
  if (sessionLost()) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([statusRequest((done) => sftp.close(handle, done)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error a transfer raises when the server stops answering. */
export function stalledError(path: string, timeoutMs: number): FerryError {
  return new FerryError(
    'TIMEOUT',
    `The server sent no reply for ${Math.round(timeoutMs / 1000)} s while transferring "${path}"`,
  );
}

/** What a transfer's own requests (OPEN, FSETSTAT, FSYNC, FSTAT) are waited for within. */
export interface ReplyBounds {
  /** No reply for this long: the server is stuck. */
  timeoutMs: number;
  /** The transfer's cancel. */
  signal: AbortSignal | undefined;
  /** Told once the server is stuck: the session must be torn down (a request cannot be taken back). */
  onStall: () => void;
  /** True once the SSH connection is gone (then it needs no tearing down). */
  isSessionLost: () => boolean;
  /**
   * When the transfer last heard from the server. A request sent behind
   * others (the FSYNC behind an upload's last WRITEs) is not stuck while
   * those are still being answered: on a slow link they can take longer
   * than the timeout, so its clock starts at the last reply, not the send.
   */
  lastReply?: () => number;
}

/**
 * Waits for the reply to one request a transfer cannot go on without, as
 * its watchdog waits for READs and WRITEs: CANCELED as soon as the signal
 * fires, and once `timeoutMs` pass with no reply, the retryable stalled
 * TIMEOUT, with the session torn down through `onStall`. SSH keepalives
 * still pass while an SFTP server is stuck (on a hung mount, say), so
 * nothing else would notice. A reply that comes after either is handed to
 * `late`, if given (a handle to close).
 */
export function awaitReply<T>(
  send: () => Promise<T>,
  path: string,
  bounds: ReplyBounds,
  late?: (value: T) => void,
): Promise<T> {
  if (bounds.signal?.aborted) return Promise.reject(canceledError());
  return new Promise<T>((resolve, reject) => {
    const sent = Date.now();
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      bounds.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = (): void => settle(() => reject(canceledError()));
    const check = (): void => {
      const quiet = Date.now() - Math.max(sent, bounds.lastReply?.() ?? 0);
      if (quiet < bounds.timeoutMs) {
        timer = setTimeout(check, bounds.timeoutMs - quiet);
        return;
      }
      settle(() => reject(stalledError(path, bounds.timeoutMs)));
      // Several requests of one transfer may find the server stuck together.
      if (!bounds.isSessionLost()) bounds.onStall();
    };
    timer = setTimeout(check, bounds.timeoutMs);
    bounds.signal?.addEventListener('abort', onAbort, { once: true });
    let request: Promise<T>;
    try {
      request = send();
    } catch (error) {
      // ssh2 throws rather than calls back when the channel is already unusable.
      settle(() => reject(asError(error)));
      return;
    }
    request.then(
      (value) => {
        if (settled) late?.(value);
        else settle(() => resolve(value));
      },
      (error: unknown) => settle(() => reject(asError(error))),
    );
  });
}

/** ssh2 fails with Errors (status codes on them); anything else is wrapped, to be one. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Opens a remote file within `bounds` (see awaitReply). A handle that
 * comes after a cancel is closed when it comes, so the server is not left
 * holding the file open; after a stall the session goes, and its handles
 * with it.
 */
export function openWithin(
  sftp: SFTPWrapper,
  path: string,
  flags: number,
  mode: number | undefined,
  bounds: ReplyBounds,
): Promise<Buffer> {
  return awaitReply(
    () => openHandle(sftp, path, flags, mode),
    path,
    bounds,
    (handle) => {
      closeHandle(sftp, handle, bounds.timeoutMs, bounds.isSessionLost).catch(() => undefined);
    },
  );
}
