import type { Readable } from 'node:stream';
import { open, stat } from 'node:fs/promises';
import { FerryError } from '../../../shared/errors.js';
import { fromNodeError } from '../errors/fromNodeError.js';
import type { HashAlgorithm, RemoteFileSystem } from '../remote/remoteFileSystem.js';
import type { Throttle } from './throttle.js';
import { checkHash, type HashCheck } from './verify.js';

export interface UploadFileOptions {
  /** Continue after what the server already has, when the engine can. */
  resume?: boolean;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number) => void;
  /** Give the remote file the local modification time, where the server allows. Default true. */
  keepModified?: boolean;
  /**
   * Upload under this name beside the target and rename it into place when
   * complete and checked, so a half-uploaded file never appears under the
   * final name. Resume then continues the temporary file.
   */
  temporaryPath?: string;
  /** A hash the server's copy must have (the server computes it; the expected value is the local file's). */
  hashAlgorithm?: HashAlgorithm;
  /** The upload direction's speed limit. */
  throttle?: Throttle;
}

export interface UploadResult {
  transferred: number;
  size: number;
  verified: HashAlgorithm | 'size' | 'none';
}

/** Read-ahead of the local file: 64 KiB reads (Node's default) cost a thread-pool round trip each, which bounds fast uploads. */
const READ_CHUNK = 1024 * 1024;

/**
 * Opens the local file before anything is sent, so an unreadable file fails
 * this one transfer with PERMISSION_DENIED instead of surfacing later as an
 * error event on a stream nobody listens to yet.
 */
async function readFrom(source: string, offset: number, throttle: Throttle | undefined): Promise<Readable> {
  let handle;
  try {
    handle = await open(source, 'r');
  } catch (error) {
    throw fromNodeError(error, 'read', source);
  }
  const stream = handle.createReadStream({ start: offset, highWaterMark: READ_CHUNK });
  if (!throttle || throttle.limit <= 0) return stream;
  const limited = throttle.stream();
  stream.on('error', (error) => limited.destroy(error));
  return stream.pipe(limited);
}

/**
 * Uploads one local file, resuming after the server's copy when asked, and
 * checks the size the server ends up with.
 */
export async function uploadFile(
  remote: RemoteFileSystem,
  source: string,
  remotePath: string,
  options: UploadFileOptions = {},
): Promise<UploadResult> {
  let size: number;
  let modified: Date;
  try {
    const info = await stat(source);
    if (!info.isFile()) throw new FerryError('INVALID_INPUT', `"${source}" is not a file`);
    size = info.size;
    modified = info.mtime;
  } catch (error) {
    throw fromNodeError(error, 'read', source);
  }

  const writePath = options.temporaryPath ?? remotePath;
  let offset = 0;
  if ((options.resume ?? false) && remote.capabilities.resumeUpload && remote.capabilities.stat) {
    const existing = await remote.stat(writePath, options.signal).catch((error: unknown) => {
      if (error instanceof FerryError && error.code === 'NOT_FOUND') return null;
      throw error;
    });
    // A remote copy longer than ours is not a prefix of it: start over.
    if (existing && existing.type === 'file' && existing.size <= size) offset = existing.size;
  }

  const transferred =
    offset === size && offset > 0
      ? 0
      : await remote.upload(await readFrom(source, offset, options.throttle), writePath, {
          offset,
          size,
          signal: options.signal,
          onProgress: (bytes) => options.onProgress?.(bytes, size),
        });

  let verified: UploadResult['verified'] = 'none';
  if (remote.capabilities.stat) {
    const after = await remote.stat(writePath, options.signal);
    if (after.size !== size) {
      throw new FerryError(
        'VERIFY_FAILED',
        `The server has ${after.size} bytes of "${remotePath}" after the upload, expected ${size}`,
        { retryable: after.size < size, details: { expectedSize: size, actualSize: after.size } },
      );
    }
    verified = 'size';
  }
  const algorithm = options.hashAlgorithm;
  if (algorithm !== undefined) {
    const check: HashCheck = {
      algorithm,
      source: 'server',
      expected: () => remote.hash(writePath, algorithm, options.signal),
    };
    await checkHash(source, check, remotePath, options.signal);
    verified = algorithm;
  }
  if (writePath !== remotePath) await remote.rename(writePath, remotePath, options.signal);
  if ((options.keepModified ?? true) && remote.capabilities.setModified) {
    await remote.setModified(remotePath, modified, options.signal);
  }
  return { transferred, size, verified };
}
