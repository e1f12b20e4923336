import { Readable } from 'node:stream';
import { open, stat } from 'node:fs/promises';
import { FerryError } from '../../../shared/errors.js';
import { fromNodeError } from '../errors/fromNodeError.js';
import { readRange } from '../local/quickFs.js';
import type { HashAlgorithm, RemoteFileSystem, UploadFacts } from '../remote/remoteFileSystem.js';
import type { Throttle } from './throttle.js';
import { remoteSize } from './remoteSize.js';
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
  /** The local file's size and time when the caller just read them (a stat that found a file): saves a stat. */
  source?: { size: number; modified: Date };
}

export interface UploadResult {
  transferred: number;
  size: number;
  verified: HashAlgorithm | 'size' | 'none';
}

/** Read-ahead of the local file: 64 KiB reads (Node's default) cost a thread-pool round trip each, which bounds fast uploads. */
const READ_CHUNK = 1024 * 1024;

/**
 * Files up to this size are read whole before the transfer starts: one
 * open, read and close, on this thread while local calls are quick, instead
 * of a read stream's thread-pool round trips and bookkeeping for each of
 * thousands of small files.
 */
const READ_WHOLE_BYTES = 256 * 1024;

/** The local file as an upload reads it: `readable` to send, `close` to let go of the file whatever happened. */
interface LocalSource {
  readable: Readable;
  close(): void;
}

/**
 * Opens the local file before anything is sent, so an unreadable file fails
 * this one transfer with PERMISSION_DENIED instead of surfacing later as an
 * error event on a stream nobody listens to yet. Reads exactly the `size`
 * bytes the upload is about (what the size check expects): a small file at
 * once and whole, a larger one as a stream whose first read starts at once,
 * while the engine is still setting up the data connection.
 */
async function readFrom(
  source: string,
  offset: number,
  size: number,
  throttle: Throttle | undefined,
): Promise<LocalSource> {
  const left = size - offset;
  const local =
    left <= READ_WHOLE_BYTES ? await readWhole(source, offset, left) : await readStreaming(source, offset, size);
  if (!throttle || throttle.limit <= 0) return local;
  const limited = throttle.stream();
  local.readable.on('error', (error) => limited.destroy(error));
  return {
    readable: local.readable.pipe(limited),
    close: () => {
      local.close();
      limited.destroy();
    },
  };
}

async function readWhole(source: string, offset: number, length: number): Promise<LocalSource> {
  let data: Buffer;
  try {
    data = await readRange(source, offset, length);
  } catch (error) {
    throw fromNodeError(error, 'read', source);
  }
  if (data.length < length) {
    throw new FerryError(
      'LOCAL_IO',
      `"${source}" became shorter while it was being uploaded (${offset + data.length} of ${offset + length} bytes)`,
      { retryable: true },
    );
  }
  // Already ended with its one chunk: cheaper than Readable.from, which reads through an async iterator.
  const readable = new Readable({ read: () => undefined });
  if (length > 0) readable.push(data);
  readable.push(null);
  return { readable, close: () => readable.destroy() };
}

/**
 * Streams the file in reads no larger than what is left: a read stream
 * allocates its whole read size each time.
 */
async function readStreaming(source: string, offset: number, size: number): Promise<LocalSource> {
  let handle;
  try {
    handle = await open(source, 'r');
  } catch (error) {
    throw fromNodeError(error, 'read', source);
  }
  const stream = handle.createReadStream({
    start: offset,
    end: size - 1,
    highWaterMark: Math.min(READ_CHUNK, size - offset),
  });
  // A read error before the engine pipes the stream must not be an unheard
  // 'error' event (which ends the process); the stream keeps it as
  // `errored`, and the engine's pipeline fails with it.
  stream.on('error', () => undefined);
  stream.read(0);
  // An upload refused before it sent anything never reads the stream; it must still close the file.
  return { readable: stream, close: () => stream.destroy() };
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
  if (options.source) {
    ({ size, modified } = options.source);
  } else {
    try {
      const info = await stat(source);
      if (!info.isFile()) throw new FerryError('INVALID_INPUT', `"${source}" is not a file`);
      size = info.size;
      modified = info.mtime;
    } catch (error) {
      throw fromNodeError(error, 'read', source);
    }
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

  const keepModified = (options.keepModified ?? true) && remote.capabilities.setModified;
  let transferred = 0;
  // What the engine learned on the way saves asking the server for the size and setting the time.
  let facts: UploadFacts = {};
  if (offset < size || offset === 0) {
    const local = await readFrom(source, offset, size, options.throttle);
    try {
      transferred = await remote.upload(local.readable, writePath, {
        offset,
        size,
        signal: options.signal,
        onProgress: (bytes) => options.onProgress?.(bytes, size),
        ...(keepModified ? { modified } : {}),
        onFinished: (learned) => {
          facts = learned;
        },
      });
    } finally {
      local.close();
    }
  }

  let verified: UploadResult['verified'] = 'none';
  if (remote.capabilities.stat) {
    const after = facts.size ?? (await remoteSize(remote, writePath, options.signal));
    if (after !== size) {
      throw new FerryError(
        'VERIFY_FAILED',
        `The server has ${after} bytes of "${remotePath}" after the upload, expected ${size}`,
        { retryable: after < size, details: { expectedSize: size, actualSize: after } },
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
  if (keepModified && facts.modifiedSet !== true) await remote.setModified(remotePath, modified, options.signal);
  return { transferred, size, verified };
}
