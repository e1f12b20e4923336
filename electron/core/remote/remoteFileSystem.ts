import type { Readable, Writable } from 'node:stream';
import type { FileEntry } from '../../../shared/entries.js';

/** Hash algorithms a server may compute for us, strongest first where it matters. */
export const HASH_ALGORITHMS = ['sha512', 'sha256', 'sha1', 'md5', 'crc32'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/**
 * What a connected file system can do. The queue and the UI ask this
 * instead of checking the protocol, so TFTP (no listing), vsftpd (no
 * hashes) and SFTP (everything) are all handled by the same code.
 */
export interface Capabilities {
  list: boolean;
  stat: boolean;
  mkdir: boolean;
  delete: boolean;
  rename: boolean;
  chmod: boolean;
  /** Can set a file's modification time (MFMT, SFTP setstat, utimes). */
  setModified: boolean;
  /** Can start a download at an offset (FTP REST, SFTP read at offset). */
  resumeDownload: boolean;
  /** Can continue an upload at an offset (FTP REST+STOR/APPE, SFTP write at offset). */
  resumeUpload: boolean;
  /** Hashes the server can compute over a file, strongest first. */
  hash: HashAlgorithm[];
  symlinks: boolean;
}

/** Options every transfer takes. */
export interface TransferOptions {
  /** Start this many bytes into the file (resume). 0 by default. */
  offset?: number;
  signal?: AbortSignal;
  /**
   * Called with the running byte count (including `offset`) as data moves; may be called often.
   * `total` is the file's size when the engine learns it during the transfer (TFTP's tsize).
   */
  onProgress?: (bytes: number, total?: number) => void;
}

export interface UploadOptions extends TransferOptions {
  /** The total size when known, so engines that announce sizes (TFTP tsize, FTP ALLO) can. */
  size?: number;
  /**
   * The modification time the file is to get. An engine that can set it on
   * the way, without a round trip of its own (SFTP: on the open handle, in
   * the burst that closes it), does and says so through `onFinished`; for
   * the others the caller sets it afterwards.
   */
  modified?: Date;
  /** Hears what the engine learned as the upload ended, so the caller need not ask the server again. */
  onFinished?: (facts: UploadFacts) => void;
}

/** What an engine learned as an upload ended, at no extra cost. */
export interface UploadFacts {
  /** The file's size on the server once everything was written. */
  size?: number;
  /** True when the file got `UploadOptions.modified`. */
  modifiedSet?: boolean;
}

/**
 * One connected remote (or local) file system. Every engine implements it:
 * FTP/FTPS, SFTP, TFTP, and the local disk. Paths are POSIX-style remote
 * paths. Every call that can take long takes an AbortSignal; an aborted
 * call rejects with a FerryError whose code is CANCELED. Calls a protocol
 * cannot do reject with UNSUPPORTED, and `capabilities` says so up front.
 */
export interface RemoteFileSystem {
  readonly protocol: 'ftp' | 'sftp' | 'tftp' | 'file';
  readonly capabilities: Capabilities;
  /** The folder the session started in (after login), absolute. */
  readonly initialFolder: string;
  /**
   * True once the connection is known to be gone for good, so a pool drops
   * the session instead of lending it out to fail. Engines that reconnect
   * on their own (FTP) leave it out.
   */
  readonly lost?: boolean;
  /** Logging in asked the user what only they can answer (an SSH one-time code): a new login would ask again. */
  readonly loginAskedUser?: boolean;
  /** Another session on this one's connection, without logging in again (SFTP: another channel). */
  openSibling?(signal?: AbortSignal): Promise<RemoteFileSystem>;

  list(path: string, signal?: AbortSignal): Promise<FileEntry[]>;
  /** One entry's facts; NOT_FOUND when it does not exist. */
  stat(path: string, signal?: AbortSignal): Promise<FileEntry>;
  /**
   * A file's size as the server reports it, where the engine has a query
   * cheaper than `stat` (FTP without MLST: SIZE alone, not SIZE and MDTM).
   */
  size?(path: string, signal?: AbortSignal): Promise<number>;
  /** Streams the file (from `offset`) into `destination`; resolves with the bytes written. Does not end `destination`. */
  download(path: string, destination: Writable, options?: TransferOptions): Promise<number>;
  /** Streams `source` into the file (at `offset`, replacing what follows); resolves with the bytes sent. */
  upload(source: Readable, path: string, options?: UploadOptions): Promise<number>;
  mkdir(path: string, signal?: AbortSignal): Promise<void>;
  /** Removes a file (or symlink). */
  delete(path: string, signal?: AbortSignal): Promise<void>;
  /** Removes an empty folder. */
  rmdir(path: string, signal?: AbortSignal): Promise<void>;
  rename(from: string, to: string, signal?: AbortSignal): Promise<void>;
  chmod(path: string, mode: number, signal?: AbortSignal): Promise<void>;
  setModified(path: string, modified: Date, signal?: AbortSignal): Promise<void>;
  /** Lower-case hex digest computed by the server. */
  hash(path: string, algorithm: HashAlgorithm, signal?: AbortSignal): Promise<string>;
  /** Ends the session politely (QUIT, channel close); never throws. */
  close(): Promise<void>;
}
