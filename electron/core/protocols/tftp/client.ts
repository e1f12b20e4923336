import { lookup } from 'node:dns/promises';
import type { Readable, Writable } from 'node:stream';
import type { FileEntry } from '../../../../shared/entries.js';
import { FerryError } from '../../../../shared/errors.js';
import type { FerryUrl } from '../../../../shared/url.js';
import { silentLog, type LogSink } from '../../log/messageLog.js';
import type { TftpConnectOptions } from '../../remote/connectOptions.js';
import type { Capabilities, RemoteFileSystem, TransferOptions, UploadOptions } from '../../remote/remoteFileSystem.js';
import { throwIfAborted } from '../../remote/streams.js';
import { readableBlockSource, writableBlockSink } from './blockStreams.js';
import { readFromServer, writeToServer, type ClientRequest } from './clientTransfer.js';
import { validateRequested } from './options.js';
import { DEFAULT_MAX_RETRIES } from './transferLink.js';
import type { Endpoint } from './transferSocket.js';

/** TFTP moves whole files by name and nothing else: no listing, no metadata, no resume. */
const TFTP_CAPABILITIES: Capabilities = Object.freeze({
  list: false,
  stat: false,
  mkdir: false,
  delete: false,
  rename: false,
  chmod: false,
  setModified: false,
  resumeDownload: false,
  resumeUpload: false,
  hash: [],
  symlinks: false,
});

function unsupported(what: string): Promise<never> {
  return Promise.reject(new FerryError('UNSUPPORTED', `TFTP cannot ${what}; it only reads and writes whole files`));
}

/**
 * The name to ask the server for. A URL path always starts with '/', and
 * `tftp://host/boot.img` means the file "boot.img" as the server names it,
 * so exactly one leading '/' goes; `tftp://host//srv/boot.img` asks for
 * "/srv/boot.img".
 */
export function tftpFileName(path: string): string {
  const name = path.startsWith('/') ? path.slice(1) : path;
  if (name === '') throw new FerryError('INVALID_INPUT', 'A TFTP URL must name a file, e.g. tftp://host/boot.img');
  return name;
}

/**
 * Ferry's TFTP client as a RemoteFileSystem: `download` and `upload` only
 * (RFC 1350 with option negotiation, windowing and netascii), everything
 * else rejects with UNSUPPORTED. There is no session: every transfer is
 * its own exchange from its own UDP port.
 */
export class TftpClient implements RemoteFileSystem {
  readonly protocol = 'tftp' as const;
  readonly capabilities: Capabilities = TFTP_CAPABILITIES;
  readonly initialFolder = '/';
  private resolved: Promise<{ server: Endpoint; family: 4 | 6 }> | null = null;

  /** `host` is a name or an IP address; it is looked up when the first transfer starts. */
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly options: TftpConnectOptions = {},
    private readonly log: LogSink = silentLog,
  ) {
    validateRequested(options);
    if (options.retries !== undefined && (!Number.isInteger(options.retries) || options.retries < 0)) {
      throw new FerryError('INVALID_INPUT', `TFTP retries must be a whole number, not ${options.retries}`);
    }
  }

  /** The server's address, looked up once (a failed lookup is tried again next time). */
  private resolve(): Promise<{ server: Endpoint; family: 4 | 6 }> {
    this.resolved ??= lookup(this.host, { verbatim: true }).then(
      ({ address, family }) => {
        if (address !== this.host) this.log('info', `TFTP server ${this.host} is ${address}`);
        return { server: { address, port: this.port }, family: family === 6 ? 6 : 4 };
      },
      (error: unknown) => {
        this.resolved = null;
        throw new FerryError('CONNECTION_LOST', `Cannot find the TFTP server "${this.host}"`, {
          retryable: false,
          cause: error,
        });
      },
    );
    return this.resolved;
  }

  private async request(path: string, signal: AbortSignal | undefined): Promise<ClientRequest> {
    const filename = tftpFileName(path);
    const { server, family } = await this.resolve();
    throwIfAborted(signal);
    const { blksize, windowsize, timeout } = this.options;
    return {
      server,
      socketType: family === 6 ? 'udp6' : 'udp4',
      filename,
      mode: this.options.mode ?? 'octet',
      options: {
        ...(blksize === undefined ? {} : { blksize }),
        ...(windowsize === undefined ? {} : { windowsize }),
        ...(timeout === undefined ? {} : { timeout }),
      },
      maxRetries: this.options.retries ?? DEFAULT_MAX_RETRIES,
      signal,
      log: this.log,
    };
  }

  /**
   * Reads the file into `destination` (not ended). Resolves with the bytes
   * written once the server's last block is in; rejects on an ERROR, a
   * timeout (saying how far it got), a cancel (after telling the server),
   * or a length that differs from the announced tsize, so a caller writing
   * to a partial file never renames a short one into place.
   */
  async download(path: string, destination: Writable, options: TransferOptions = {}): Promise<number> {
    if ((options.offset ?? 0) > 0) return unsupported('resume a download');
    throwIfAborted(options.signal);
    const request = await this.request(path, options.signal);
    let total: number | undefined;
    const sink = writableBlockSink(destination, {
      netascii: request.mode === 'netascii',
      onWritten: (bytes) => options.onProgress?.(bytes, total),
    });
    try {
      await readFromServer(request, sink, {
        onSize: (size) => {
          // tsize counts netascii bytes on the wire, not the converted file.
          if (request.mode === 'octet') total = size;
        },
      });
    } catch (error) {
      // Let the destination finish what it was given: the caller may close it next.
      await sink.settle();
      throw error;
    }
    return sink.written;
  }

  /** Sends `source` as the file; resolves with the bytes read from it once the server acknowledged them all. */
  async upload(source: Readable, path: string, options: UploadOptions = {}): Promise<number> {
    if ((options.offset ?? 0) > 0) return unsupported('resume an upload');
    throwIfAborted(options.signal);
    const request = await this.request(path, options.signal);
    const netascii = request.mode === 'netascii';
    let read = 0;
    const blocks = readableBlockSource(source, {
      netascii,
      onRead: (bytes) => {
        read = bytes;
        if (netascii) options.onProgress?.(bytes);
      },
    });
    try {
      await writeToServer(request, blocks, options.size ?? null, netascii ? undefined : options.onProgress);
    } finally {
      source.destroy();
    }
    return read;
  }

  list(): Promise<FileEntry[]> {
    return unsupported('list folders');
  }

  stat(): Promise<FileEntry> {
    return unsupported('tell a file’s size or date');
  }

  mkdir(): Promise<void> {
    return unsupported('create folders');
  }

  delete(): Promise<void> {
    return unsupported('delete files');
  }

  rmdir(): Promise<void> {
    return unsupported('remove folders');
  }

  rename(): Promise<void> {
    return unsupported('rename files');
  }

  chmod(): Promise<void> {
    return unsupported('change permissions');
  }

  setModified(): Promise<void> {
    return unsupported('set modification times');
  }

  hash(): Promise<string> {
    return unsupported('compute hashes');
  }

  /** Nothing to close: each transfer owns its socket and closes it (a finished download's dally runs out on its own). */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Opens a TFTP "session": nothing goes over the network until a transfer
 * starts (TFTP has no connection; even the host is looked up then).
 */
export function openTftp(
  target: FerryUrl,
  options: { tftp?: TftpConnectOptions; log?: LogSink; signal?: AbortSignal },
): Promise<RemoteFileSystem> {
  try {
    throwIfAborted(options.signal);
    return Promise.resolve(new TftpClient(target.host, target.port, options.tftp ?? {}, options.log ?? silentLog));
  } catch (error) {
    // Bad options fail like any other opener: as a rejected promise.
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
