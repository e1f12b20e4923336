import type { Readable, Writable } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';
import type SftpClient from 'ssh2-sftp-client';
import type { FileEntry } from '../../../../shared/entries.js';
import { FerryError } from '../../../../shared/errors.js';
import { remoteBaseName, joinRemote } from '../../../../shared/remotePath.js';
import type { LogSink } from '../../log/messageLog.js';
import type { SftpConnectOptions } from '../../remote/connectOptions.js';
import {
  HASH_ALGORITHMS,
  type Capabilities,
  type HashAlgorithm,
  type RemoteFileSystem,
  type TransferOptions,
  type UploadOptions,
} from '../../remote/remoteFileSystem.js';
import { canceledError, openWithinDeadline } from '../../remote/streams.js';
import { keepReceiveWindow, SSH2_DEFAULT_WINDOW } from './channelWindow.js';
import { checkFileAlgorithms, checkFileHash } from './checkFileHash.js';
import { openSiblingChannel, SSH_DEFAULTS, type ConnectedSsh, type SftpLibrary } from './connectSsh.js';
import { pipelinedDownload } from './pipelinedDownload.js';
import { pipelinedUpload } from './pipelinedUpload.js';
import { readDirectory } from './readDirectory.js';
import { HASH_COMMANDS, runRemoteHash } from './remoteHashCommand.js';
import { readServerInfo, type SftpServerInfo } from './serverLimits.js';
import { socketBatcher, type SendBatcher } from './socketBatching.js';
import { fileEntryFromAttributes, isPlainName, type ServerAttributes } from './sftpEntries.js';
import { fromSftpError, SFTP_STATUS, sftpStatusOf } from './sftpErrors.js';
import { takeDataReplies } from './ssh2ReadReplies.js';
import { statusRequest } from './sftpHandles.js';
import type { PipelineHooks, PipelineSettings } from './transferSettings.js';

/** Requests in flight per transfer unless the site says otherwise: with DEFAULT_REQUEST_SIZE, 4 MiB queued at the server. */
export const DEFAULT_REQUESTS_IN_FLIGHT = 32;
/**
 * Bytes per request unless the site says otherwise; the server's limits cap
 * it. Measured with a 1 GiB file on loopback against OpenSSH's sshd, with the
 * same 4 MiB in flight: 128 KiB x 32 cost about a tenth less CPU than
 * 64 KiB x 64 both ways (half the requests, replies and acknowledgements
 * for the same bytes) and the same memory; more bytes in flight only held
 * more memory. 32 KiB requests cost twice the requests again.
 */
export const DEFAULT_REQUEST_SIZE = 128 * 1024;
/** The largest receive window we keep open (memory the server may fill before we read it). */
const MAX_RECEIVE_WINDOW = 32 * 1024 * 1024;
/** Reads are refilled once this fraction of the slots (1/4) is free: bursts of 8 at 32 in flight. */
const REFILL_FRACTION = 4;
/** How many symlinks of one listing are resolved at once. */
const LINK_LOOKUPS_IN_FLIGHT = 32;

function attributesOf(stats: SftpClient.FileStats): ServerAttributes {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    mtime: typeof stats.modifyTime === 'number' ? stats.modifyTime / 1000 : undefined,
  };
}

/**
 * One SFTP session behind the RemoteFileSystem interface. Connection,
 * login and most metadata calls go through ssh2-sftp-client; listing
 * (which needs each entry's full mode), the calls whose exact SFTP status
 * matters (mkdir, rmdir, setstat, readlink) and both transfer loops use
 * ssh2's SFTP channel directly.
 */
export class SftpFileSystem implements RemoteFileSystem {
  readonly protocol = 'sftp' as const;
  readonly capabilities: Capabilities;
  private readonly library: SftpLibrary;
  private readonly sftp: SFTPWrapper;
  private readonly server: SftpServerInfo;
  private readonly requestTimeout: number;
  private readonly requestSize: { read: number; write: number };
  private inFlightLimit: number;
  private readonly batch: SendBatcher;
  private lostReason: string | null = null;
  private closed = false;
  readonly loginAskedUser: boolean;
  /** The connection and this session's channel on it; other sessions' channels may share the connection. */
  private readonly ssh: ConnectedSsh;

  get lost(): boolean {
    return this.lostReason !== null;
  }

  constructor(
    ssh: ConnectedSsh,
    readonly initialFolder: string,
    private readonly options: SftpConnectOptions,
    private readonly log: LogSink,
  ) {
    this.library = ssh.library;
    this.sftp = ssh.sftp;
    this.batch = socketBatcher(ssh.library.client);
    this.loginAskedUser = ssh.askedPerson;
    this.ssh = ssh;
    this.server = readServerInfo(ssh.sftp);
    this.requestTimeout = options.requestTimeout ?? SSH_DEFAULTS.requestTimeout;
    const wanted = Math.max(1024, options.requestSize ?? DEFAULT_REQUEST_SIZE);
    this.requestSize = {
      read: Math.min(wanted, this.server.maxReadLength),
      write: Math.min(wanted, this.server.maxWriteLength),
    };
    this.inFlightLimit = Math.max(1, Math.floor(options.requestsInFlight ?? DEFAULT_REQUESTS_IN_FLIGHT));
    // First, so the window keeper installed next still sees every byte.
    takeDataReplies(ssh.sftp);
    // Room for every READ in flight and as much again, within bounds.
    const window = Math.min(MAX_RECEIVE_WINDOW, 2 * this.inFlightLimit * this.requestSize.read);
    const widened = keepReceiveWindow(ssh.sftp, window);
    this.capabilities = {
      list: true,
      stat: true,
      mkdir: true,
      delete: true,
      rename: true,
      chmod: true,
      setModified: true,
      resumeDownload: true,
      resumeUpload: true,
      hash: this.hashAlgorithms(),
      symlinks: true,
    };
    ssh.onLost((reason) => {
      this.lostReason ??= reason;
      if (!this.closed) log('error', `Connection lost: ${reason}`);
    });
    const extensions = [...this.server.extensions.keys()].join(', ') || 'none';
    log(
      'info',
      `SFTP ready: extensions ${extensions}; requests of ${this.requestSize.read}/${this.requestSize.write} bytes, ` +
        `${this.inFlightLimit} in flight, receive window ${widened ? window : SSH2_DEFAULT_WINDOW} bytes`,
    );
  }

  /** Requests each transfer keeps in flight now: the site's setting, or 1 after the server mishandled more. */
  get requestsInFlight(): number {
    return this.inFlightLimit;
  }

  /** The server's SFTP extensions (from its VERSION packet). */
  get extensions(): ReadonlySet<string> {
    return new Set(this.server.extensions.keys());
  }

  private hashAlgorithms(): HashAlgorithm[] {
    const checkFile = this.server.extensions.get('check-file');
    if (checkFile !== undefined) return checkFileAlgorithms(checkFile);
    if (this.options.allowRemoteHashCommand) {
      return HASH_ALGORITHMS.filter((algorithm) => HASH_COMMANDS[algorithm] !== undefined);
    }
    return [];
  }

  /** Another SFTP channel on this connection, for a transfer pool that must not log in again. */
  async openSibling(signal?: AbortSignal): Promise<RemoteFileSystem> {
    if (this.lostReason !== null) throw this.lostError('open another channel on', this.initialFolder);
    const connection = this.ssh.connection;
    connection.hold();
    try {
      // A server at its channel limit may never answer the request.
      const sibling = await openWithinDeadline(
        openSiblingChannel(this.ssh, this.log),
        this.requestTimeout,
        () => new FerryError('TIMEOUT', 'The server did not open another SFTP channel in time'),
        signal,
        (late) => late.sftp.end(),
      );
      try {
        const session = new SftpFileSystem(sibling, this.initialFolder, this.options, this.log);
        this.log('info', 'Opened another SFTP channel on this connection');
        return session;
      } catch (error) {
        sibling.sftp.end();
        throw error;
      }
    } catch (error) {
      void connection.release();
      throw error;
    }
  }

  private lostError(action: string, path: string): FerryError {
    return new FerryError(
      'CONNECTION_LOST',
      `Cannot ${action} "${path}": the connection is lost (${this.lostReason ?? 'closed'})`,
    );
  }

  /**
   * Gives up on a server that stopped answering, since SFTP requests cannot
   * be taken back: the connection goes, unless other sessions' channels
   * share it (each channel has a server process of its own, and those may
   * be fine; a dead connection is found by the keepalive).
   */
  private abandon(reason: string): void {
    this.lostReason ??= reason;
    if (this.ssh.connection.soleUser) {
      this.log('error', `Closing the connection: ${reason}`);
      this.ssh.connection.destroy();
      return;
    }
    this.log('error', `Closing the SFTP channel: ${reason}`);
    this.sftp.end();
  }

  /**
   * Runs one request with the session's rules: refused at once on a lost
   * session, CANCELED when `signal` fires (a late reply is then ignored),
   * TIMEOUT when no reply comes within the request timeout (and the
   * session is abandoned), and SFTP failures mapped to FerryErrors.
   */
  private guard<T>(action: string, path: string, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    if (this.lostReason !== null) return Promise.reject(this.lostError(action, path));
    if (signal?.aborted) return Promise.reject(canceledError());
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        settle(() => reject(new FerryError('TIMEOUT', `The server did not answer "${action} ${path}" in time`)));
        this.abandon(`no reply to "${action}" within ${this.requestTimeout} ms`);
      }, this.requestTimeout);
      const onAbort = (): void => settle(() => reject(canceledError()));
      let settled = false;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        action();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      work().then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(fromSftpError(error, action, path, this.lostReason !== null))),
      );
    });
  }

  async list(path: string, signal?: AbortSignal): Promise<FileEntry[]> {
    const raw = await readDirectory(this.sftp, path, (action, where, work) => this.guard(action, where, signal, work));
    const entries = raw.map((item) => fileEntryFromAttributes(item.filename, item.attrs, item.longname));
    const links = entries.filter((entry) => entry.type === 'symlink' && isPlainName(entry.name));
    for (let start = 0; start < links.length; start += LINK_LOOKUPS_IN_FLIGHT) {
      await Promise.all(
        links
          .slice(start, start + LINK_LOOKUPS_IN_FLIGHT)
          .map((entry) => this.resolveLink(joinRemote(path, entry.name), entry, signal)),
      );
    }
    return entries;
  }

  /** Fills in a symlink's target and the target's type (and size, for a file); a broken link keeps neither. */
  private async resolveLink(path: string, entry: FileEntry, signal: AbortSignal | undefined): Promise<void> {
    const [target, stats] = await Promise.all([
      this.guard('read the link', path, signal, () => {
        return new Promise<string>((resolve, reject) => {
          this.sftp.readlink(path, (error, value) => {
            if (error) reject(error);
            else resolve(value);
          });
        });
      }).catch(() => undefined),
      this.guard('follow the link', path, signal, () => this.library.stat(path)).catch(() => undefined),
    ]);
    if (signal?.aborted) throw canceledError();
    if (target !== undefined) entry.linkTarget = target;
    if (stats !== undefined) {
      const resolved = fileEntryFromAttributes(entry.name, attributesOf(stats));
      entry.linkTargetType = resolved.type;
      if (resolved.type === 'file') entry.size = resolved.size;
    }
  }

  async stat(path: string, signal?: AbortSignal): Promise<FileEntry> {
    const stats = await this.guard('read', path, signal, () => this.library.lstat(path));
    const entry = fileEntryFromAttributes(remoteBaseName(path) || path, attributesOf(stats));
    if (entry.type === 'symlink') await this.resolveLink(path, entry, signal);
    return entry;
  }

  private settings(size: number): PipelineSettings {
    return {
      requestsInFlight: this.inFlightLimit,
      requestSize: size,
      requestTimeoutMs: this.requestTimeout,
      batch: this.batch,
      refillAtLeast: Math.max(1, Math.floor(this.inFlightLimit / REFILL_FRACTION)),
    };
  }

  private hooks(options: TransferOptions): PipelineHooks {
    return {
      signal: options.signal,
      onProgress: options.onProgress,
      onConcurrencyTrouble: (reason) => {
        if (this.inFlightLimit > 1) this.log('info', `Using one request in flight from now on: ${reason}`);
        this.inFlightLimit = 1;
      },
      onStall: () => this.abandon('the server stopped answering during a transfer'),
      isSessionLost: () => this.lostReason !== null,
    };
  }

  async download(path: string, destination: Writable, options: TransferOptions = {}): Promise<number> {
    if (this.lostReason !== null) throw this.lostError('download', path);
    if (options.signal?.aborted) throw canceledError();
    const offset = options.offset ?? 0;
    this.log('command', `READ ${path} from byte ${offset}`);
    const bytes = await pipelinedDownload(
      this.sftp,
      path,
      destination,
      offset,
      this.settings(this.requestSize.read),
      this.hooks(options),
    );
    this.log('reply', `Read ${bytes} bytes of ${path}`);
    return bytes;
  }

  async upload(source: Readable, path: string, options: UploadOptions = {}): Promise<number> {
    if (this.lostReason !== null) throw this.lostError('upload', path);
    if (options.signal?.aborted) throw canceledError();
    const offset = options.offset ?? 0;
    // On by default where offered: an upload renamed into place must not
    // turn out truncated after a power cut on the server. A site can turn
    // it off to save the flush per file (milliseconds each on many small ones).
    const fsync = (this.options.fsyncUploads ?? true) && this.server.extensions.has('fsync@openssh.com');
    this.log('command', `WRITE ${path} from byte ${offset}`);
    const { bytes, facts } = await pipelinedUpload(
      this.sftp,
      source,
      path,
      offset,
      this.settings(this.requestSize.write),
      this.hooks(options),
      { fsync, ...(options.modified ? { modified: options.modified } : {}) },
    );
    this.log('reply', `Wrote ${bytes} bytes to ${path}${fsync ? ' (flushed to disk)' : ''}`);
    options.onFinished?.(facts);
    return bytes;
  }

  /** True when something exists at `path` (used to name a generic FAILURE precisely). */
  private async exists(path: string): Promise<boolean> {
    return this.library.lstat(path).then(
      () => true,
      () => false,
    );
  }

  async mkdir(path: string, signal?: AbortSignal): Promise<void> {
    this.log('command', `MKDIR ${path}`);
    await this.guard('create folder', path, signal, async () => {
      try {
        await statusRequest((done) => this.sftp.mkdir(path, done));
      } catch (error) {
        // OpenSSH answers FAILURE for "already exists"; say so when it is.
        if (sftpStatusOf(error) === SFTP_STATUS.FAILURE && (await this.exists(path))) {
          throw new FerryError('ALREADY_EXISTS', `Cannot create folder "${path}": it already exists`);
        }
        throw error;
      }
    });
  }

  async delete(path: string, signal?: AbortSignal): Promise<void> {
    this.log('command', `REMOVE ${path}`);
    await this.guard('delete', path, signal, () => this.library.delete(path));
  }

  async rmdir(path: string, signal?: AbortSignal): Promise<void> {
    this.log('command', `RMDIR ${path}`);
    await this.guard('remove folder', path, signal, async () => {
      try {
        await statusRequest((done) => this.sftp.rmdir(path, done));
      } catch (error) {
        if (sftpStatusOf(error) === SFTP_STATUS.FAILURE && (await this.exists(path))) {
          throw new FerryError('ALREADY_EXISTS', `Cannot remove folder "${path}": it is not empty`);
        }
        throw error;
      }
    });
  }

  async rename(from: string, to: string, signal?: AbortSignal): Promise<void> {
    // posix-rename replaces an existing target atomically, as rename(2) does;
    // plain SFTP v3 RENAME refuses an existing target.
    const posix = this.server.extensions.has('posix-rename@openssh.com');
    this.log('command', `${posix ? 'posix-rename@openssh.com' : 'RENAME'} ${from} ${to}`);
    await this.guard('rename', from, signal, async () => {
      if (posix) {
        await this.library.posixRename(from, to);
        return;
      }
      try {
        await this.library.rename(from, to);
      } catch (error) {
        if (sftpStatusOf(error) === SFTP_STATUS.FAILURE && (await this.exists(to))) {
          throw new FerryError('ALREADY_EXISTS', `Cannot rename "${from}" to "${to}": the target exists`);
        }
        throw error;
      }
    });
  }

  async chmod(path: string, mode: number, signal?: AbortSignal): Promise<void> {
    this.log('command', `SETSTAT ${path} mode ${mode.toString(8)}`);
    await this.guard('change permissions of', path, signal, () => this.library.chmod(path, mode));
  }

  async setModified(path: string, modified: Date, signal?: AbortSignal): Promise<void> {
    this.log('command', `SETSTAT ${path} mtime ${modified.toISOString()}`);
    const seconds = Math.floor(modified.getTime() / 1000);
    await this.guard('set the time of', path, signal, () =>
      statusRequest((done) => this.sftp.setstat(path, { atime: seconds, mtime: seconds }, done)),
    );
  }

  async hash(path: string, algorithm: HashAlgorithm, signal?: AbortSignal): Promise<string> {
    if (!this.capabilities.hash.includes(algorithm)) {
      throw new FerryError('UNSUPPORTED', `This SFTP server cannot compute ${algorithm} hashes`);
    }
    if (this.lostReason !== null) throw this.lostError('hash', path);
    if (this.server.extensions.has('check-file')) {
      this.log('command', `check-file-name ${path} ${algorithm}`);
      return checkFileHash(this.library.client, path, algorithm, this.requestTimeout, signal);
    }
    this.log('command', `exec ${HASH_COMMANDS[algorithm]?.command ?? algorithm} ${path}`);
    return runRemoteHash(this.library.client, algorithm, path, signal);
  }

  /** Closes this session's channel; the connection ends with the last session on it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const lost = this.lostReason !== null;
    if (!lost) this.sftp.end();
    this.lostReason ??= 'the session was closed';
    await this.ssh.connection.release(lost);
  }
}
