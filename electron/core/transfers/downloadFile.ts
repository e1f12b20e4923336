import { open, stat, unlink } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { FileEntry } from '../../../shared/entries.js';
import { FerryError } from '../../../shared/errors.js';
import { fileWriteStream } from '../local/fileWriteStream.js';
import { errnoOf, fromNodeError } from '../errors/fromNodeError.js';
import { moveIntoPlace } from '../local/moveIntoPlace.js';
import { utimes } from '../local/quickFs.js';
import type { HashAlgorithm, RemoteFileSystem } from '../remote/remoteFileSystem.js';
import { canceledError, untilAborted } from '../remote/streams.js';
import { emptyPartial, openPartial, partialPathFor } from './partialFile.js';
import type { Throttle } from './throttle.js';
import { checkHash, type HashCheck } from './verify.js';

export interface DownloadFileOptions {
  /** Continue an existing partial download instead of starting over. */
  resume?: boolean;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number | null) => void;
  /** Give the local file the remote modification time. Default true. */
  keepModified?: boolean;
  /** A hash the finished file must have, checked before it gets its final name. */
  hashCheck?: HashCheck;
  /** The download direction's speed limit. */
  throttle?: Throttle;
  /** The source's facts when the caller just learned them (from a listing or a stat): saves a round trip. */
  source?: FileEntry;
  /**
   * fsync the file before renaming it into place, so even a power cut
   * cannot leave an empty file under the final name. Off by default: it
   * costs milliseconds per file and seconds per GiB, and a crash of Ferry
   * itself loses nothing without it (the kernel still writes the data).
   */
  sync?: boolean;
  /**
   * Replace a file that has the final name by then. Default true. False
   * when there was none as the download began: one made since (by another
   * program) is kept, and the download fails with ALREADY_EXISTS, complete
   * in its partial file.
   */
  replace?: boolean;
}

export interface DownloadResult {
  /** Bytes moved in this run (not counting a resumed prefix). */
  transferred: number;
  /** Final size of the file. */
  size: number;
  /** How the file was checked: a hash algorithm, 'size' when only the server's size, or 'none'. */
  verified: HashAlgorithm | 'size' | 'none';
}

/**
 * Downloads one remote file to `target` the safe way: into
 * `target.ferrypart` (resuming it if asked), then a size check against the
 * server's (and a hash check when asked), then a rename into place. A failure of any kind
 * leaves the partial file for a later resume and never a truncated file
 * under the final name.
 */
export async function downloadFile(
  remote: RemoteFileSystem,
  remotePath: string,
  target: string,
  options: DownloadFileOptions = {},
): Promise<DownloadResult> {
  const info: FileEntry | null =
    options.source ?? (remote.capabilities.stat ? await remote.stat(remotePath, options.signal) : null);
  if (info && info.type === 'directory') {
    throw new FerryError('INVALID_INPUT', `"${remotePath}" is a folder; download its files instead`);
  }
  const expected = info ? info.size : null;
  const partialPath = partialPathFor(target);
  const partial = await openPartial(partialPath, (options.resume ?? false) && remote.capabilities.resumeDownload);
  let offset = partial.offset;
  if (expected !== null && offset > expected) {
    // The partial is longer than the file now is: it belongs to an older version.
    await emptyPartial(partial.fd).catch((error: unknown) => {
      throw fromNodeError(error, 'open the partial download', partialPath);
    });
    offset = 0;
  }

  const output = fileWriteStream(partial.fd, offset);
  // With a speed limit the engine writes into the throttle, which feeds the file.
  const throttled = options.throttle && options.throttle.limit > 0 ? options.throttle.stream() : undefined;
  throttled?.pipe(output);
  const writer = throttled ?? output;
  // A failing local write (a full disk) must stop the transfer and be the
  // error reported, whether or not the engine watches its destination.
  const stop = new AbortController();
  const parent = options.signal;
  const onParentAbort = (): void => {
    // The streams go first, before the engine hears of the cancel: an
    // engine that waits for its writes to be answered (SFTP) finds its
    // destination gone and stops at once, rather than waiting for a disk
    // or a speed limit to take megabytes no one needs (or for a write the
    // throttle parked while the file was behind, which would never come).
    // What was not written is not lost: a resume starts where the partial ends.
    throttled?.destroy();
    output.destroy();
    stop.abort();
  };
  parent?.addEventListener('abort', onParentAbort, { once: true });
  if (parent?.aborted) stop.abort();
  // Set from a stream callback, so kept in an object the compiler cannot narrow away.
  const local: { error: FerryError | null } = { error: null };
  const onWriteError = (error: unknown): void => {
    local.error ??= fromNodeError(error, 'write', partialPath);
    // pipe() does not pass errors on: fail the throttle too, so writes the
    // engine still has queued in it are answered instead of hanging.
    throttled?.destroy(local.error);
    stop.abort();
  };
  output.on('error', onWriteError);
  throttled?.on('error', onWriteError);
  let transferred: number;
  try {
    if (expected === null || offset < expected || expected === 0) {
      transferred = await remote.download(remotePath, writer, {
        offset,
        signal: stop.signal,
        // TFTP learns the size only during the transfer (tsize).
        onProgress: (bytes, total) => options.onProgress?.(bytes, expected ?? total ?? null),
      });
    } else {
      transferred = 0;
    }
    writer.end();
    // Under a speed limit the data received may take long to pass the
    // throttle into the file: a cancel ends that wait too.
    await untilAborted(finished(output), stop.signal);
    if (local.error) throw local.error;
  } catch (error) {
    throttled?.destroy();
    output.destroy();
    // A partial that never received a byte is not worth keeping: nothing
    // to resume, and it would only litter the folder. (Bytes written say
    // so without asking a disk that may be the reason for the cancel.)
    if (offset === 0 && output.bytesWritten === 0) {
      const left = await stat(partialPath).catch(() => null);
      if (left?.size === 0) await unlink(partialPath).catch(() => undefined);
    }
    if (local.error) throw local.error;
    // A cancel is a cancel, whatever the engine made of its destination going away.
    if (parent?.aborted === true) throw canceledError();
    throw error;
  } finally {
    parent?.removeEventListener('abort', onParentAbort);
  }

  // What is in the partial file now: the prefix it was opened with, plus
  // every byte the stream wrote (all of them acknowledged by the system,
  // none failed, or we would not be here). The file was created exclusively
  // (or measured when resumed) and nobody else writes it, so this is its
  // size without asking the disk again.
  const size = offset + output.bytesWritten;
  if (expected !== null && size !== expected) {
    throw new FerryError(
      'VERIFY_FAILED',
      `Downloaded ${size} bytes of "${remotePath}" but the server reports ${expected}; the partial file is kept as ${partialPath}`,
      { retryable: size < expected, details: { expectedSize: expected, actualSize: size } },
    );
  }
  if (options.hashCheck) {
    try {
      await checkHash(partialPath, options.hashCheck, remotePath, options.signal);
    } catch (error) {
      // Bytes kept from an earlier attempt may be what is wrong (or the
      // partial was complete and failed before): fetch the whole file once
      // more, rather than failing the same way on every retry.
      if (offset > 0 && error instanceof FerryError && error.code === 'VERIFY_FAILED') {
        return downloadFile(remote, remotePath, target, { ...options, resume: false, source: info ?? undefined });
      }
      throw error;
    }
  }
  try {
    if (options.sync === true) {
      // Flush to disk before the rename makes the file official.
      const handle = await open(partialPath, 'r+');
      await handle.sync().finally(() => handle.close());
    }
    // The time is set before the rename, so a file under its final name
    // always carries it: after a crash, that is how the queue recognises a
    // download it finished.
    if ((options.keepModified ?? true) && info?.modified != null) {
      const when = new Date(info.modified);
      await utimes(partialPath, when, when);
    }
    await moveIntoPlace(partialPath, target, options.replace ?? true);
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') {
      throw new FerryError(
        'ALREADY_EXISTS',
        // Not "appeared during the download": the listing the download was
        // decided on may have been old, with the file there all along.
        `${target} exists now and was left alone; the download is complete in ${partialPath}`,
        { cause: error },
      );
    }
    throw fromNodeError(error, 'finish the download to', target);
  }
  const verified = options.hashCheck?.algorithm ?? (expected === null ? 'none' : 'size');
  return { transferred, size, verified };
}
