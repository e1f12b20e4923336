import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { stat, realpath } from 'node:fs/promises';
import { isIP } from 'node:net';
import { isAbsolute } from 'node:path';
import { FerryError } from '../../../../shared/errors.js';
import { TFTP_SERVER_STOPPED } from '../../../../shared/tftpServerStopped.js';
import { silentLog, type LogSink } from '../../log/messageLog.js';
import { BLKSIZE_MAX } from './options.js';
import { decodePacket, encodeError, OPCODE, TFTP_ERROR, type RequestPacket } from './packet.js';
import { serveRequest, type ServeContext } from './serverTransfer.js';
import { DEFAULT_MAX_RETRIES } from './transferLink.js';
import { formatEndpoint, plainAddress, type Endpoint } from './transferSocket.js';

/** What to serve, where, and what clients may do. */
export interface TftpServerConfig {
  /** The folder to serve; nothing outside it is ever read or written. */
  folder: string;
  /** The address to listen on, IPv4 or IPv6 (`0.0.0.0` / `::` for all). */
  address: string;
  /** The UDP port; 69 is TFTP's, and needs administrator privileges on most systems. 0 picks a free one. */
  port: number;
  /** Accept uploads (WRQ). Off by default: the server is read-only. */
  writable?: boolean;
  /** Let an upload replace an existing file. Off by default. */
  overwrite?: boolean;
  /** The largest block size granted (default 65464). */
  maxBlksize?: number;
  /** The largest window granted (default 64 blocks). */
  maxWindowsize?: number;
  /** Transfers at once (default 64); more are refused with ERROR 0. */
  maxTransfers?: number;
  /** Consecutive timeouts a transfer survives (default 6). */
  maxRetries?: number;
}

/** Whether the server runs, and how. */
export interface TftpServerStatus {
  running: boolean;
  folder: string | null;
  address: string | null;
  port: number | null;
  writable: boolean;
  overwrite: boolean;
}

/** One transfer as the UI's live list shows it; sent when it starts, as it moves (sampled) and when it ends. */
export interface TftpTransferEvent {
  id: number;
  /** The client's address and port, e.g. `192.0.2.7:51234`. */
  client: string;
  /** The name the client asked for. */
  file: string;
  /** `read`: the client downloads (RRQ); `write`: it uploads (WRQ). */
  direction: 'read' | 'write';
  /** Bytes moved so far. */
  bytes: number;
  /** The file's size, or the announced tsize, when known. */
  size: number | null;
  state: 'running' | 'done' | 'failed';
  /** Why it failed. */
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
}

const DEFAULT_MAX_WINDOWSIZE = 64;
const DEFAULT_MAX_TRANSFERS = 64;
/** Transfers one client address may have at once: a few files in parallel, not the whole server. */
const MAX_TRANSFERS_PER_CLIENT = 8;
/** How often a running transfer reports its progress. */
const PROGRESS_INTERVAL_MS = 250;

/** Turns a failure to bind into words a person can act on (port 69 needs privileges). */
export function bindError(error: unknown, address: string, port: number): FerryError {
  const errno = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const where = formatEndpoint({ address, port });
  if (errno === 'EACCES' || errno === 'EPERM') {
    const hint =
      port < 1024
        ? `; ports below 1024 (TFTP's port ${port} among them) need administrator privileges. Use a high port such as 6969, or run with privileges`
        : '';
    return new FerryError('PERMISSION_DENIED', `Cannot listen on ${where}: permission denied${hint}`, {
      cause: error,
      details: { port, suggestedPort: 6969 },
    });
  }
  if (errno === 'EADDRINUSE') {
    return new FerryError('LOCAL_IO', `Cannot listen on ${where}: the port is already in use (another TFTP server?)`, {
      cause: error,
    });
  }
  if (errno === 'EADDRNOTAVAIL') {
    return new FerryError('INVALID_INPUT', `Cannot listen on ${where}: ${address} is not an address of this machine`, {
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new FerryError('LOCAL_IO', `Cannot listen on ${where}: ${reason}`, { cause: error });
}

function bindSocket(socket: Socket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(bindError(error, address, port));
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

interface Running {
  socket: Socket;
  status: TftpServerStatus;
  context: ServeContext;
  controller: AbortController;
  maxTransfers: number;
  /** Active transfers by client TID, so a repeated request does not start a second one. */
  active: Map<string, Promise<void>>;
  /** Active transfers per client address, so one host cannot take every slot. */
  perAddress: Map<string, number>;
}

/**
 * Ferry's TFTP server: serves one folder on one address and port, each
 * transfer from its own port with the same engine as the client. Read-only
 * unless uploads are allowed, and then never replacing a file unless that
 * is allowed too. Names are confined to the folder (`..`, absolute paths
 * and symlinks leading out get ERROR 2). Honours blksize, tsize, timeout
 * and windowsize; runs many transfers at once; reports each one.
 */
export class TftpServer {
  private running: Running | null = null;
  /** The start or stop under way; the next waits for it (see inTurn). */
  private changing: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private readonly transferListeners = new Set<(event: TftpTransferEvent) => void>();
  private readonly statusListeners = new Set<(status: TftpServerStatus) => void>();
  private readonly log: LogSink;

  constructor(options: { log?: LogSink } = {}) {
    this.log = options.log ?? silentLog;
  }

  /** Where and how the server runs now. */
  status(): TftpServerStatus {
    return this.running ? { ...this.running.status } : { ...TFTP_SERVER_STOPPED };
  }

  /** Calls `listener` for every transfer event; returns the function that stops it. */
  onTransfer(listener: (event: TftpTransferEvent) => void): () => void {
    this.transferListeners.add(listener);
    return () => this.transferListeners.delete(listener);
  }

  /** Calls `listener` whenever the server starts or stops; returns the function that stops it. */
  onStatus(listener: (status: TftpServerStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /**
   * Starts serving. INVALID_INPUT when already running or the config is
   * wrong, NOT_FOUND when the folder does not exist, PERMISSION_DENIED when
   * the port needs privileges (with a hint to use a high port).
   */
  start(config: TftpServerConfig): Promise<TftpServerStatus> {
    return this.inTurn(() => this.startNow(config));
  }

  /** Stops listening, cancels running transfers (their clients get ERROR 0) and waits for them. Safe to call when stopped. */
  stop(): Promise<TftpServerStatus> {
    return this.inTurn(() => this.stopNow());
  }

  /**
   * Runs starts and stops one after another. Starting waits on the file
   * system before it binds: without this, a stop clicked meanwhile found
   * nothing to stop and the server came up anyway, and two starts both
   * bound a socket, one of which nothing could close.
   */
  private inTurn(change: () => Promise<TftpServerStatus>): Promise<TftpServerStatus> {
    const result = this.changing.then(change);
    this.changing = result.catch(() => undefined);
    return result;
  }

  private async startNow(config: TftpServerConfig): Promise<TftpServerStatus> {
    if (this.running) throw new FerryError('INVALID_INPUT', 'The TFTP server is already running; stop it first');
    const family = isIP(config.address);
    if (family === 0) throw new FerryError('INVALID_INPUT', `"${config.address}" is not an IPv4 or IPv6 address`);
    if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
      throw new FerryError(
        'INVALID_INPUT',
        `Port ${config.port} is not a number from 1 to 65535 (or 0 for any free port)`,
      );
    }
    if (!isAbsolute(config.folder)) throw new FerryError('INVALID_INPUT', `"${config.folder}" is not an absolute path`);
    let root: string;
    try {
      root = await realpath(config.folder);
      if (!(await stat(root)).isDirectory())
        throw new FerryError('INVALID_INPUT', `"${config.folder}" is not a folder`);
    } catch (error) {
      if (error instanceof FerryError) throw error;
      throw new FerryError('NOT_FOUND', `The folder "${config.folder}" does not exist`, { cause: error });
    }

    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    await bindSocket(socket, config.address, config.port);
    const controller = new AbortController();
    const writable = config.writable ?? false;
    const overwrite = writable && (config.overwrite ?? false);
    const running: Running = {
      socket,
      controller,
      maxTransfers: config.maxTransfers ?? DEFAULT_MAX_TRANSFERS,
      active: new Map(),
      perAddress: new Map(),
      status: {
        running: true,
        folder: root,
        address: config.address,
        port: socket.address().port,
        writable,
        overwrite,
      },
      context: {
        root,
        writable,
        overwrite,
        limits: {
          maxBlksize: config.maxBlksize ?? BLKSIZE_MAX,
          maxWindowsize: config.maxWindowsize ?? DEFAULT_MAX_WINDOWSIZE,
        },
        maxRetries: config.maxRetries ?? DEFAULT_MAX_RETRIES,
        socketType: family === 6 ? 'udp6' : 'udp4',
        bindAddress: config.address,
        signal: controller.signal,
        onNotice: (text) => this.log('info', text),
      },
    };
    socket.on('message', (message, remote) => this.onRequest(running, message, remote));
    socket.on('error', (error) => {
      this.log('error', `TFTP server socket failed: ${error.message}`);
      // This very server only: a later start must not be stopped by an old socket's error.
      if (this.running === running) void this.stop();
    });
    this.running = running;
    const { status } = running;
    this.log(
      'info',
      `TFTP server serving ${root} on ${formatEndpoint({ address: config.address, port: status.port ?? 0 })} ` +
        `(${writable ? (overwrite ? 'uploads and overwriting allowed' : 'uploads allowed, no overwriting') : 'read-only'})`,
    );
    this.emitStatus();
    return { ...status };
  }

  private async stopNow(): Promise<TftpServerStatus> {
    const running = this.running;
    if (!running) return this.status();
    this.running = null;
    running.controller.abort();
    running.socket.close();
    await Promise.allSettled([...running.active.values()]);
    this.log('info', 'TFTP server stopped');
    this.emitStatus();
    return this.status();
  }

  private onRequest(running: Running, message: Buffer, remote: RemoteInfo): void {
    if (running.controller.signal.aborted) return;
    // Port 0 cannot be answered (sending there throws): a forged or broken datagram.
    if (remote.port === 0) return;
    const client: Endpoint = { address: remote.address, port: remote.port };
    const opcode = message.length >= 2 ? message.readUInt16BE(0) : 0;
    // Only requests belong on this port; anything else is a stray and is not answered.
    if (opcode !== OPCODE.RRQ && opcode !== OPCODE.WRQ) return;
    let request: RequestPacket;
    try {
      const packet = decodePacket(message);
      if (packet.type !== 'RRQ' && packet.type !== 'WRQ') return;
      request = packet;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      running.socket.send(encodeError(TFTP_ERROR.ILLEGAL_OPERATION, reason), remote.port, remote.address);
      return;
    }
    const key = formatEndpoint(client);
    // The client repeated its request before our answer reached it: that transfer already answers.
    if (running.active.has(key)) return;
    const address = plainAddress(remote.address);
    const fromThere = running.perAddress.get(address) ?? 0;
    // One host (or a forger using its address) gets a few slots, never all of them.
    if (running.active.size >= running.maxTransfers || fromThere >= MAX_TRANSFERS_PER_CLIENT) {
      running.socket.send(
        encodeError(TFTP_ERROR.NOT_DEFINED, 'Server busy, try again later'),
        remote.port,
        remote.address,
      );
      return;
    }
    running.perAddress.set(address, fromThere + 1);
    const done = this.runTransfer(running, request, client).finally(() => {
      running.active.delete(key);
      const left = (running.perAddress.get(address) ?? 1) - 1;
      if (left > 0) running.perAddress.set(address, left);
      else running.perAddress.delete(address);
    });
    running.active.set(key, done);
  }

  private async runTransfer(running: Running, request: RequestPacket, client: Endpoint): Promise<void> {
    const event: TftpTransferEvent = {
      id: this.nextId++,
      client: formatEndpoint(client),
      file: request.filename,
      direction: request.type === 'RRQ' ? 'read' : 'write',
      bytes: 0,
      size: null,
      state: 'running',
      error: null,
      startedAt: Date.now(),
      finishedAt: null,
    };
    this.emitTransfer(event);
    let lastReport = performance.now();
    try {
      const result = await serveRequest(request, client, running.context, {
        onSize: (size) => {
          event.size = size;
        },
        onProgress: (bytes) => {
          event.bytes = bytes;
          const now = performance.now();
          if (now - lastReport >= PROGRESS_INTERVAL_MS) {
            lastReport = now;
            this.emitTransfer(event);
          }
        },
      });
      event.bytes = result.bytes;
      event.state = 'done';
    } catch (error) {
      event.state = 'failed';
      event.error = error instanceof Error ? error.message : String(error);
    }
    event.finishedAt = Date.now();
    const verb = event.direction === 'read' ? 'read' : 'write';
    const outcome = event.state === 'done' ? 'done' : `failed: ${event.error ?? ''}`;
    this.log(
      event.state === 'done' ? 'info' : 'error',
      `TFTP ${event.client} ${verb} "${event.file}": ${event.bytes} bytes, ${outcome}`,
    );
    this.emitTransfer(event);
  }

  private emitTransfer(event: TftpTransferEvent): void {
    const copy = { ...event };
    for (const listener of this.transferListeners) {
      try {
        listener(copy);
      } catch {
        // A listener's failure must not stop the transfer or the other listeners.
      }
    }
  }

  private emitStatus(): void {
    const status = this.status();
    for (const listener of this.statusListeners) {
      try {
        listener(status);
      } catch {
        // As above.
      }
    }
  }
}
