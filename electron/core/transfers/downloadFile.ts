import { createWriteStream } from 'node:fs';
import { open, rename, stat, utimes } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { FileEntry } from '../../../shared/entries.js';
import { FerryError } from '../../../shared/errors.js';
import { fromNodeError } from '../errors/fromNodeError.js';
import type { RemoteFileSystem } from '../remote/remoteFileSystem.js';
import type { HashAlgorithm } from '../remote/remoteFileSystem.js';
import { openPartial, partialPathFor } from './partialFile.js';
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
 * server's, then an fsync and a rename into place. A failure of any kind
 * leaves the partial file for a later resume and never a truncated file
 * under the final name.
 */
export async function downloadFile(
  remote: RemoteFileSystem,
  remotePath: string,
  target: string,
  options: DownloadFileOptions = {},
): Promise<DownloadResult> {
  const info: FileEntry | null = remote.capabilities.stat ? await remote.stat(remotePath, options.signal) : null;
  if (info && info.type === 'directory') {
    throw new FerryError('INVALID_INPUT', `"${remotePath}" is a folder; download its files instead`);
  }
  const expected = info ? info.size : null;
  const partialPath = partialPathFor(target);
  const partial = await openPartial(partialPath, (options.resume ?? false) && remote.capabilities.resumeDownload);
  let offset = partial.offset;
  if (expected !== null && offset > expected) {
    // The partial is longer than the file now is: it belongs to an older version.
    await partial.handle.truncate(0);
    offset = 0;
  }

  const output = createWriteStream('', { fd: partial.handle, start: offset });
  let transferred: number;
  try {
    if (expected === null || offset < expected || expected === 0) {
      transferred = await remote.download(remotePath, output, {
        offset,
        signal: options.signal,
        onProgress: (bytes, total) => options.onProgress?.(bytes, expected ?? total ?? null),
      });
    } else {
      transferred = 0;
    }
    output.end();
    await finished(output);
  } catch (error) {
    output.destroy();
    throw error;
  }

  let size: number;
  try {
    size = (await stat(partialPath)).size;
  } catch (error) {
    throw fromNodeError(error, 'check', partialPath);
  }
  if (expected !== null && size !== expected) {
    throw new FerryError(
      'VERIFY_FAILED',
      `Downloaded ${size} bytes of "${remotePath}" but the server reports ${expected}; the partial file is kept as ${partialPath}`,
      { retryable: size < expected, details: { expectedSize: expected, actualSize: size } },
    );
  }
  if (options.hashCheck) await checkHash(partialPath, options.hashCheck, remotePath, options.signal);
  try {
    // Flush to disk before the rename makes the file official.
    const handle = await open(partialPath, 'r+');
    await handle.sync().finally(() => handle.close());
    await rename(partialPath, target);
    if ((options.keepModified ?? true) && info?.modified != null) {
      const when = new Date(info.modified);
      await utimes(target, when, when);
    }
  } catch (error) {
    throw fromNodeError(error, 'finish the download to', target);
  }
  const verified = options.hashCheck?.algorithm ?? (expected === null ? 'none' : 'size');
  return { transferred, size, verified };
}
