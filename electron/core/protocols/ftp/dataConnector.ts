import {
  createServer,
  isIPv4,
  isIPv6,
  connect as connectTcp,
  type OnReadOpts,
  type Server,
  type Socket,
} from 'node:net';
import { connect as connectTls, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { FerryError } from '../../../../shared/errors.js';
import type { LogSink } from '../../log/messageLog.js';
import { awaitConnected, tlsClientOptions, type ControlConnection } from './controlConnection.js';
import { ReadSlab } from './readSlab.js';
import { parseEpsvReply, parsePasvReply, type PassiveAddress } from './passiveReply.js';
import { describeReply } from './reply.js';
import { replyError } from './replyError.js';

/** How data connections are made for one session. */
export interface DataSettings {
  mode: 'passive' | 'active';
  /** Follow a PASV reply that names another host than the control connection's (off: use the control host). */
  allowForeignPassiveHost: boolean;
  /** Active mode: the address to announce instead of ours (behind NAT). */
  activeExternalAddress: string | undefined;
  /** Active mode: listen on a port from this range instead of any free one. */
  activePortRange: { min: number; max: number } | undefined;
  connectTimeoutMs: number;
  replyTimeoutMs: number;
  log: LogSink;
}

/**
 * A data connection on its way: `ready` resolves with the socket to read
 * or write (TLS-wrapped when the session protects data) once it is
 * connected and, for TLS, its handshake is done. `destroy` ends it (with a
 * TCP reset when asked, so the server notices a cancel at once).
 */
export interface DataChannel {
  readonly ready: Promise<Socket>;
  destroy(reset?: boolean): void;
}

/** "::ffff:127.0.0.1" and "127.0.0.1" are the same peer. */
function plainAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
}

function noticeError(what: string, error: unknown): FerryError {
  if (error instanceof FerryError) return error;
  return new FerryError('CONNECTION_LOST', `${what}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}

/**
 * Opens data connections for a session, passive or active, plain or TLS,
 * and remembers which commands the server understands (EPSV or PASV, EPRT
 * or PORT) so the fallback is asked for once per session, not per file.
 */
export class DataConnector {
  private passiveCommand: 'EPSV' | 'PASV' = 'EPSV';
  /** Where passive data connections that can (plain ones, TLS ones that receive) read into; a session has one at a time. */
  private readonly slab = new ReadSlab();
  private activeCommand: 'EPRT' | 'PORT' = 'EPRT';

  constructor(private readonly settings: DataSettings) {}

  /**
   * Announces a data connection (EPSV/PASV, or EPRT/PORT) and starts
   * connecting; call before the transfer command. `receives` says the
   * transfer reads from it (RETR, LIST), which lets a passive TLS
   * connection read into large buffers too.
   */
  async prepare(
    control: ControlConnection,
    protect: boolean,
    receives: boolean,
    signal?: AbortSignal,
  ): Promise<DataChannel> {
    if (this.settings.mode === 'active') {
      const channel = await this.prepareActive(control);
      return protect ? this.secure(channel, control) : channel;
    }
    const { host, port } = await this.passiveEndpoint(control, signal);
    if (!protect) return this.connectPassive(host, port, true, signal);
    if (receives) return this.connectReceivingTls(host, port, control, signal);
    return this.secure(await this.connectPassive(host, port, false, signal), control);
  }

  private async passiveAddress(control: ControlConnection, signal?: AbortSignal): Promise<PassiveAddress> {
    const options = { timeoutMs: this.settings.replyTimeoutMs, signal };
    if (this.passiveCommand === 'EPSV') {
      const reply = await control.execute('EPSV', options);
      if (reply.code === 229) return parseEpsvReply(reply);
      if (reply.code < 500) throw replyError('Cannot enter passive mode', reply);
      this.settings.log('info', 'EPSV refused; using PASV from now on');
      this.passiveCommand = 'PASV';
    }
    const reply = await control.execute('PASV', options);
    if (reply.code !== 227) throw replyError('Cannot enter passive mode', reply);
    return parsePasvReply(reply);
  }

  /**
   * A plain TCP data socket that reads straight into large slabs
   * (`onread`) and hands each read on as a 'data' event without a copy:
   * a few hundred reads per GiB instead of one per 64 KiB, which is what
   * keeps Node near curl's speed on a fast link. Paused until the transfer
   * listens, because such a socket reads whether or not anyone does.
   */
  private connectWithLargeReads(host: string, port: number): Socket {
    const socket: Socket = connectTcp({
      host,
      port,
      onread: {
        buffer: () => this.slab.next(),
        callback: (bytes: number, region: Uint8Array): boolean => {
          socket.emit('data', this.slab.take(region, bytes));
          return true;
        },
      },
    });
    socket.pause();
    return socket;
  }

  /** Where a passive data connection goes: the port the server names, on the control connection's host. */
  private async passiveEndpoint(
    control: ControlConnection,
    signal: AbortSignal | undefined,
  ): Promise<{ host: string; port: number }> {
    const address = await this.passiveAddress(control, signal);
    const controlHost = plainAddress(control.remoteAddress);
    let host = controlHost;
    if (address.host !== null && address.host !== controlHost) {
      // A server may name another host by mistake (NAT) or to aim us at a
      // third party (FTP bounce); the control host is right either way,
      // unless the site explicitly trusts the server's answer.
      if (this.settings.allowForeignPassiveHost && address.host !== '0.0.0.0') host = address.host;
      else this.settings.log('info', `Passive reply names ${address.host}; connecting to ${controlHost} instead`);
    }
    return { host, port: address.port };
  }

  private async connectPassive(
    host: string,
    port: number,
    largeReads: boolean,
    signal: AbortSignal | undefined,
  ): Promise<DataChannel> {
    // A socket TLS will wrap reads through TLS's own layer, so only plain ones take the large buffers.
    const socket = await this.connected(
      quiet(largeReads ? this.connectWithLargeReads(host, port) : connectTcp({ host, port })),
      host,
      port,
      signal,
    );
    return {
      ready: Promise.resolve(socket),
      destroy: (reset) => destroySocket(socket, reset),
    };
  }

  /** Waits until a passive data socket has connected (TCP; TLS comes after), and turns Nagle off. */
  private async connected<T extends Socket>(
    socket: T,
    host: string,
    port: number,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    await awaitConnected(
      socket,
      'connect',
      `Cannot open the data connection to ${host}:${port}`,
      this.settings.connectTimeoutMs,
      signal,
    );
    socket.setNoDelay(true);
    return socket;
  }

  /**
   * A passive TLS data connection for a transfer that receives. Made by
   * tls.connect itself rather than around a TCP socket of ours, because
   * only then does TLS take `onread`: decrypted data lands in the slabs
   * instead of a fresh 16 KiB Buffer per TLS record. What arrives before
   * the transfer listens (this socket reads from the start: the handshake
   * needs it) or while it is paused is pushed into the socket's own
   * stream, which keeps the order of data and end. Its `destroy` cannot reset
   * (TLS hides the TCP handle), which is fine for a transfer that only
   * reads: the server notices the close when it next writes, and ABOR
   * follows anyway.
   */
  private async connectReceivingTls(
    host: string,
    port: number,
    control: ControlConnection,
    signal: AbortSignal | undefined,
  ): Promise<DataChannel> {
    // Node documents `onread` for tls.connect; @types/node does not list it.
    const options: ConnectionOptions & { onread: OnReadOpts } = {
      host,
      port,
      session: control.tlsSession,
      ...tlsClientOptions(control.host),
      onread: {
        buffer: () => this.slab.next(),
        callback: (bytes: number, region: Uint8Array): boolean => {
          const chunk = this.slab.take(region, bytes);
          // While the transfer reads and nothing waits in the stream, a
          // record goes straight to it: the stream's bookkeeping for each
          // pushed 16 KiB record made a 1 GiB download a sixth slower.
          if (tls.readableFlowing === true && tls.readableLength === 0) {
            tls.emit('data', chunk);
            return true;
          }
          // false (the stream is full) stops reading until the transfer catches up.
          return tls.push(chunk);
        },
      },
    };
    const tls: TLSSocket = await this.connected(quiet(connectTls(options)), host, port, signal);
    const ready = this.handshake(tls, control).catch((error: unknown) => {
      throw noticeError('Cannot secure the data connection', error);
    });
    // Marked handled here; the transfer awaits it (or abandons it after a refusal).
    ready.catch(() => undefined);
    return { ready, destroy: () => destroySocket(tls) };
  }

  private listen(host: string): Promise<Server> {
    const range = this.settings.activePortRange;
    const server = createServer({ noDelay: true });
    const tryPort = (port: number): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    return (async () => {
      if (!range) {
        await tryPort(0);
        return server;
      }
      const span = range.max - range.min + 1;
      const first = Math.floor(Math.random() * span);
      for (let i = 0; i < span; i++) {
        try {
          await tryPort(range.min + ((first + i) % span));
          return server;
        } catch {
          // Port busy: try the next one.
        }
      }
      throw new FerryError('LOCAL_IO', `No free port in ${range.min}-${range.max} for an active data connection`);
    })();
  }

  private async prepareActive(control: ControlConnection): Promise<DataChannel> {
    const localHost = plainAddress(control.localAddress);
    const server = await this.listen(localHost);
    const closeServer = (): void => {
      server.close();
    };
    try {
      const port = (server.address() as { port: number }).port;
      const announced = this.settings.activeExternalAddress ?? localHost;
      await this.announceActive(control, announced, port);
    } catch (error) {
      closeServer();
      throw error;
    }
    const expectedPeer = plainAddress(control.remoteAddress);
    let accepted: Socket | null = null;
    let onAbandon: (error: FerryError) => void = () => undefined;
    const ready = new Promise<Socket>((resolve, reject) => {
      const timer = setTimeout(() => {
        closeServer();
        reject(new FerryError('TIMEOUT', 'The server did not open the active data connection in time'));
      }, this.settings.connectTimeoutMs);
      onAbandon = (error) => {
        clearTimeout(timer);
        closeServer();
        reject(error);
      };
      server.on('connection', (socket: Socket) => {
        // Only the server we talk to may connect: anyone else could feed us a file.
        if (accepted || plainAddress(socket.remoteAddress) !== expectedPeer) {
          this.settings.log('error', `Refused a data connection from ${socket.remoteAddress ?? '?'}`);
          socket.destroy();
          return;
        }
        accepted = quiet(socket);
        clearTimeout(timer);
        closeServer();
        resolve(socket);
      });
    });
    ready.catch(() => undefined);
    return {
      ready,
      destroy: (reset) => {
        onAbandon(new FerryError('CANCELED', 'The data connection was abandoned'));
        if (accepted) destroySocket(accepted, reset);
      },
    };
  }

  private async announceActive(control: ControlConnection, address: string, port: number): Promise<void> {
    const options = { timeoutMs: this.settings.replyTimeoutMs };
    if (this.activeCommand === 'EPRT') {
      const family = isIPv6(address) ? 2 : 1;
      const reply = await control.execute(`EPRT |${family}|${address}|${port}|`, options);
      if (reply.code >= 200 && reply.code < 300) return;
      if (reply.code < 500 || !isIPv4(address)) throw replyError('Cannot enter active mode', reply);
      this.settings.log('info', `EPRT refused (${describeReply(reply)}); using PORT from now on`);
      this.activeCommand = 'PORT';
    }
    const reply = await control.execute(`PORT ${address.split('.').join(',')},${port >> 8},${port & 255}`, options);
    if (reply.code < 200 || reply.code >= 300) throw replyError('Cannot enter active mode', reply);
  }

  /**
   * Wraps a data connection in TLS as soon as it is connected, resuming the
   * control connection's session (vsftpd's require_ssl_reuse refuses data
   * connections that do not, and so do many others), and checks it shows
   * the same certificate as the control connection.
   */
  private secure(channel: DataChannel, control: ControlConnection): DataChannel {
    let raw: Socket | null = null;
    let secure: TLSSocket | null = null;
    const ready = channel.ready
      .then((socket) => {
        raw = socket;
        secure = quiet(connectTls({ socket, session: control.tlsSession, ...tlsClientOptions(control.host) }));
        return this.handshake(secure, control);
      })
      .catch((error: unknown) => {
        throw noticeError('Cannot secure the data connection', error);
      });
    // Marked handled here; the transfer awaits it (or abandons it after a refusal).
    ready.catch(() => undefined);
    return {
      ready,
      destroy: (reset) => {
        channel.destroy(reset);
        if (raw) destroySocket(raw, reset);
        if (secure) destroySocket(secure);
      },
    };
  }

  /**
   * Waits for a data connection's TLS handshake and checks it: a resumed
   * session is the control connection's own (it proves the same keys, and
   * TLS 1.3 sends no certificate then); a fresh handshake must show the
   * certificate the control connection showed.
   */
  private async handshake(tls: TLSSocket, control: ControlConnection): Promise<TLSSocket> {
    // Newer tickets keep the next data connection's resumption fresh (TLS 1.3).
    tls.on('session', (ticket: Buffer) => (control.tlsSession = ticket));
    const what = 'TLS on the data connection';
    await awaitConnected(tls, 'secureConnect', what, this.settings.connectTimeoutMs, undefined);
    if (!tls.isSessionReused()) {
      this.settings.log('info', 'The data connection did not resume the TLS session');
      const fingerprint = tls.getPeerCertificate().fingerprint256 as string | undefined;
      if (fingerprint !== control.fingerprint) {
        tls.destroy();
        const shown = fingerprint ?? 'none';
        throw new FerryError('TLS_UNTRUSTED', `The data connection presented another certificate (${shown})`);
      }
    }
    return tls;
  }
}

/**
 * Gives a data socket an error listener for its whole life: the transfer
 * watches errors while it moves data, but a reset can also arrive between
 * two of its steps, and an unheard 'error' event would end the process.
 */
function quiet<T extends Socket>(socket: T): T {
  socket.on('error', () => undefined);
  return socket;
}

/** Ends a socket; with `reset`, by a TCP RST so the peer's transfer fails at once instead of looking complete. */
export function destroySocket(socket: Socket, reset = false): void {
  socket.on('error', () => undefined);
  if (reset && !socket.destroyed && typeof socket.resetAndDestroy === 'function') {
    try {
      socket.resetAndDestroy();
      return;
    } catch {
      // Not a TCP socket (or already closed): a plain destroy will do.
    }
  }
  socket.destroy();
}
