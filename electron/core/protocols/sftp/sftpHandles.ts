import type { SFTPWrapper, Stats } from 'ssh2';
import { FerryError } from '../../../../shared/errors.js';

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
