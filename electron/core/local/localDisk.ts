import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rmdir, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileEntry } from '../../../shared/entries.js';
import { remoteBaseName } from '../../../shared/remotePath.js';
import { fromNodeError } from '../errors/fromNodeError.js';
import type {
  Capabilities,
  HashAlgorithm,
  RemoteFileSystem,
  TransferOptions,
  UploadOptions,
} from '../remote/remoteFileSystem.js';
import { countBytes, rethrowIfAborted } from '../remote/streams.js';
import { hashLocalFile } from '../transfers/verify.js';
import { describeEntry } from './describeEntry.js';

const CAPABILITIES: Capabilities = {
  list: true,
  stat: true,
  mkdir: true,
  delete: true,
  rename: true,
  chmod: true,
  setModified: true,
  resumeDownload: true,
  resumeUpload: true,
  hash: ['sha512', 'sha256', 'sha1', 'md5'],
  symlinks: true,
};

/**
 * The local disk behind the same interface as the remote engines, so the
 * CLI and the queue treat `file://` like any other URL.
 */
export class LocalDisk implements RemoteFileSystem {
  readonly protocol = 'file' as const;
  readonly capabilities = CAPABILITIES;

  constructor(readonly initialFolder: string) {}

  async list(path: string): Promise<FileEntry[]> {
    let names: string[];
    try {
      names = await readdir(path);
    } catch (error) {
      throw fromNodeError(error, 'list', path);
    }
    const entries: FileEntry[] = [];
    for (const name of names) {
      try {
        entries.push(await describeEntry(join(path, name), name));
      } catch {
        // Vanished while listing: leave it out.
      }
    }
    return entries;
  }

  async stat(path: string): Promise<FileEntry> {
    try {
      return await describeEntry(path, remoteBaseName(path));
    } catch (error) {
      throw fromNodeError(error, 'read', path);
    }
  }

  async download(path: string, destination: Writable, options: TransferOptions = {}): Promise<number> {
    const offset = options.offset ?? 0;
    let bytes = offset;
    try {
      await pipeline(
        createReadStream(path, { start: offset }),
        countBytes((n) => {
          bytes += n;
          options.onProgress?.(bytes);
        }),
        destination,
        { end: false, signal: options.signal },
      );
    } catch (error) {
      rethrowIfAborted(error, options.signal);
      throw fromNodeError(error, 'read', path);
    }
    return bytes - offset;
  }

  async upload(source: Readable, path: string, options: UploadOptions = {}): Promise<number> {
    const offset = options.offset ?? 0;
    let bytes = offset;
    try {
      // Resume truncates to the offset first: bytes after it are replaced, not kept.
      const handle = await open(path, offset > 0 ? 'r+' : 'w');
      await handle.truncate(offset);
      await pipeline(
        source,
        countBytes((n) => {
          bytes += n;
          options.onProgress?.(bytes);
        }),
        createWriteStream('', { fd: handle, start: offset }),
        { signal: options.signal },
      );
    } catch (error) {
      rethrowIfAborted(error, options.signal);
      throw fromNodeError(error, 'write', path);
    }
    return bytes - offset;
  }

  async mkdir(path: string): Promise<void> {
    await mkdir(path).catch((error: unknown) => {
      throw fromNodeError(error, 'create folder', path);
    });
  }

  async delete(path: string): Promise<void> {
    await unlink(path).catch((error: unknown) => {
      throw fromNodeError(error, 'delete', path);
    });
  }

  async rmdir(path: string): Promise<void> {
    await rmdir(path).catch((error: unknown) => {
      throw fromNodeError(error, 'remove folder', path);
    });
  }

  async rename(from: string, to: string): Promise<void> {
    await rename(from, to).catch((error: unknown) => {
      throw fromNodeError(error, 'rename', from);
    });
  }

  async chmod(path: string, mode: number): Promise<void> {
    await chmod(path, mode).catch((error: unknown) => {
      throw fromNodeError(error, 'change permissions of', path);
    });
  }

  async setModified(path: string, modified: Date): Promise<void> {
    await utimes(path, modified, modified).catch((error: unknown) => {
      throw fromNodeError(error, 'set the time of', path);
    });
  }

  hash(path: string, algorithm: HashAlgorithm, signal?: AbortSignal): Promise<string> {
    return hashLocalFile(path, algorithm, signal);
  }

  async close(): Promise<void> {
    // Nothing to close: there is no session.
  }
}
