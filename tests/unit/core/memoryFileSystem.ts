import { createHash } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { FileEntry } from '../../../shared/entries.js';
import { FerryError } from '../../../shared/errors.js';
import { remoteBaseName, remoteParent } from '../../../shared/remotePath.js';
import type {
  Capabilities,
  HashAlgorithm,
  RemoteFileSystem,
  TransferOptions,
  UploadOptions,
} from '../../../electron/core/remote/remoteFileSystem.js';

/** Files and folders of a pretend server, shared by all sessions to it. */
export class MemoryServer {
  readonly files = new Map<string, { data: Buffer; modified: number }>();
  readonly folders = new Set<string>(['/']);
  /** Failures to inject into the next downloads, one per call. */
  readonly downloadFaults: { afterBytes: number; error: FerryError }[] = [];
  /** Failures to inject into the next uploads, one per call: what arrived by then is kept, as a server keeps it. */
  readonly uploadFaults: { afterBytes: number; error: FerryError }[] = [];
  /** Runs as each download starts: another program acting while it runs. */
  beforeDownload: ((path: string) => Promise<void>) | null = null;
  /** Offsets downloads were started at, in order. */
  readonly downloadOffsets: number[] = [];
  readonly uploadOffsets: number[] = [];
  /** Sessions ever opened, and the most open at once. */
  opened = 0;
  open = 0;
  maxOpen = 0;
  transfersNow = 0;
  maxTransfers = 0;
  /** Hashes the server offers, and an optional lie to tell. */
  hashes: HashAlgorithm[] = [];
  lieAboutHash = false;
  /** Extra names a listing returns (hostile servers). */
  readonly extraNames = new Map<string, string[]>();
  chunkDelayMs = 0;

  addFile(path: string, data: Buffer, modified = Date.now()): void {
    this.files.set(path, { data, modified });
    let folder = remoteParent(path);
    while (!this.folders.has(folder)) {
      this.folders.add(folder);
      folder = remoteParent(folder);
    }
  }

  connect(): MemoryFileSystem {
    this.opened += 1;
    this.open += 1;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    return new MemoryFileSystem(this);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A RemoteFileSystem over a MemoryServer, for queue and pool logic tests. */
export class MemoryFileSystem implements RemoteFileSystem {
  readonly protocol = 'sftp' as const;
  readonly initialFolder = '/';
  /** Set by a test: the connection died (a server's idle timeout). */
  lost = false;
  readonly capabilities: Capabilities;
  closed = false;

  constructor(private readonly server: MemoryServer) {
    this.capabilities = {
      list: true,
      stat: true,
      mkdir: true,
      delete: true,
      rename: true,
      chmod: false,
      setModified: true,
      resumeDownload: true,
      resumeUpload: true,
      hash: server.hashes,
      symlinks: false,
    };
  }

  list(path: string): Promise<FileEntry[]> {
    if (!this.server.folders.has(path)) return Promise.reject(new FerryError('NOT_FOUND', `${path} not found`));
    const entries: FileEntry[] = [];
    for (const folder of this.server.folders) {
      if (folder !== path && remoteParent(folder) === path) {
        entries.push({
          name: remoteBaseName(folder),
          type: 'directory',
          size: 0,
          modified: null,
          permissions: null,
          hidden: false,
        });
      }
    }
    for (const [file, { data, modified }] of this.server.files) {
      if (remoteParent(file) === path) {
        entries.push({
          name: remoteBaseName(file),
          type: 'file',
          size: data.length,
          modified,
          permissions: null,
          hidden: false,
        });
      }
    }
    for (const name of this.server.extraNames.get(path) ?? []) {
      entries.push({ name, type: 'file', size: 1, modified: null, permissions: null, hidden: false });
    }
    return Promise.resolve(entries);
  }

  stat(path: string): Promise<FileEntry> {
    const file = this.server.files.get(path);
    const name = remoteBaseName(path);
    if (file) {
      return Promise.resolve({
        name,
        type: 'file',
        size: file.data.length,
        modified: file.modified,
        permissions: null,
        hidden: false,
      });
    }
    if (this.server.folders.has(path)) {
      return Promise.resolve({ name, type: 'directory', size: 0, modified: null, permissions: null, hidden: false });
    }
    return Promise.reject(new FerryError('NOT_FOUND', `${path} not found`));
  }

  async download(path: string, destination: Writable, options: TransferOptions = {}): Promise<number> {
    const file = this.server.files.get(path);
    if (!file) throw new FerryError('NOT_FOUND', `${path} not found`);
    const offset = options.offset ?? 0;
    this.server.downloadOffsets.push(offset);
    await this.server.beforeDownload?.(path);
    const fault = this.server.downloadFaults.shift();
    this.server.transfersNow += 1;
    this.server.maxTransfers = Math.max(this.server.maxTransfers, this.server.transfersNow);
    try {
      let position = offset;
      while (position < file.data.length) {
        if (options.signal?.aborted) throw new FerryError('CANCELED', 'canceled');
        if (fault && position - offset >= fault.afterBytes) throw fault.error;
        const end = Math.min(file.data.length, position + 1024, fault ? offset + fault.afterBytes : Infinity);
        const chunk = file.data.subarray(position, end);
        if (!destination.write(chunk)) await new Promise((resolve) => destination.once('drain', resolve));
        position = end;
        options.onProgress?.(position);
        await sleep(this.server.chunkDelayMs);
      }
      if (fault) throw fault.error;
      return position - offset;
    } finally {
      this.server.transfersNow -= 1;
    }
  }

  async upload(source: Readable, path: string, options: UploadOptions = {}): Promise<number> {
    const offset = options.offset ?? 0;
    this.server.uploadOffsets.push(offset);
    const existing = this.server.files.get(path)?.data ?? Buffer.alloc(0);
    const chunks: Buffer[] = [existing.subarray(0, offset)];
    let sent = 0;
    const fault = this.server.uploadFaults.shift();
    for await (const chunk of source) {
      // Taken in pieces, as a network would, so a slow server can be stopped mid-file.
      for (let at = 0; at < (chunk as Buffer).length; at += 1024) {
        if (options.signal?.aborted) {
          // What arrived stays, as on a server written to under the final name.
          this.server.addFile(path, Buffer.concat(chunks));
          throw new FerryError('CANCELED', 'canceled');
        }
        let buffer = (chunk as Buffer).subarray(at, at + 1024);
        if (fault && sent + buffer.length > fault.afterBytes) buffer = buffer.subarray(0, fault.afterBytes - sent);
        chunks.push(buffer);
        sent += buffer.length;
        options.onProgress?.(offset + sent);
        if (fault && sent >= fault.afterBytes) {
          this.server.addFile(path, Buffer.concat(chunks));
          throw fault.error;
        }
        if (this.server.chunkDelayMs > 0) await sleep(this.server.chunkDelayMs);
      }
    }
    this.server.addFile(path, Buffer.concat(chunks));
    return sent;
  }

  mkdir(path: string): Promise<void> {
    if (this.server.folders.has(path)) return Promise.reject(new FerryError('ALREADY_EXISTS', `${path} exists`));
    this.server.folders.add(path);
    return Promise.resolve();
  }

  delete(path: string): Promise<void> {
    this.server.files.delete(path);
    return Promise.resolve();
  }

  rmdir(path: string): Promise<void> {
    this.server.folders.delete(path);
    return Promise.resolve();
  }

  rename(from: string, to: string): Promise<void> {
    const file = this.server.files.get(from);
    if (!file) return Promise.reject(new FerryError('NOT_FOUND', `${from} not found`));
    this.server.files.delete(from);
    this.server.files.set(to, file);
    return Promise.resolve();
  }

  chmod(): Promise<void> {
    return Promise.reject(new FerryError('UNSUPPORTED', 'no chmod'));
  }

  setModified(path: string, modified: Date): Promise<void> {
    const file = this.server.files.get(path);
    if (file) file.modified = modified.getTime();
    return Promise.resolve();
  }

  hash(path: string, algorithm: HashAlgorithm): Promise<string> {
    const file = this.server.files.get(path);
    if (!file) return Promise.reject(new FerryError('NOT_FOUND', `${path} not found`));
    const digest = createHash(algorithm).update(file.data).digest('hex');
    return Promise.resolve(this.server.lieAboutHash ? digest.replace(/^./, (c) => (c === '0' ? '1' : '0')) : digest);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.server.open -= 1;
    }
    return Promise.resolve();
  }
}
