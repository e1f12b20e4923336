import { isIP, Socket, connect as connectTcp } from 'node:net';
import { connect as connectTls, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { FerryError } from '../../../../shared/errors.js';
import type { LogSink } from '../../log/messageLog.js';
import { canceledError } from '../../remote/streams.js';
import { trustedCertificates } from '../../trust/systemCertificates.js';
import { verifyCertificate } from './certificateTrust.js';
import { redactCommand } from './commandLine.js';
import { describeReply, type FtpReply } from './reply.js';
import { ReplyParser } from './replyParser.js';

/**
 * Replies kept while nobody reads: those to commands sent together, and
 * the odd unsolicited one. A server streaming replies nobody asked for
 * would otherwise fill memory while the session sits idle.
 */
const MAX_UNREAD_REPLIES = 64;
/** Where and how to open a control connection. */
export interface ControlEndpoint {
  host: string;
  port: number;
  /** TLS from the first byte (implicit FTPS). */
  implicitTls: boolean;
  /** Normalised SHA-256 fingerprint of a certificate to accept even if the system store does not. */
  pinnedFingerprint: string | undefined;
  connectTimeoutMs: number;
  log: LogSink;
}

/** Options for waiting on one reply. */
export interface ReadOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface Waiter {
  resolve: (reply: FtpReply) => void;
  reject: (error: FerryError) => void;
}

/**
 * One TLS context for every FTPS connection of the process. Without it each
 * tls.connect builds its own (root store included), which cost more than
 * the resumed handshake itself on a data connection per small file. It
 * trusts the system store as well as Node's roots (trustedCertificates),
 * read once, at the first TLS connection. The context holds no per-server
 * state: certificates are checked by
 * verifyCertificate, and sessions are passed to each connection.
 */
let clientContext: SecureContext | undefined;

/** The TLS options every connection of a session uses: our own certificate check, SNI only for names. */
export function tlsClientOptions(host: string): {
  rejectUnauthorized: false;
  servername?: string;
  secureContext: SecureContext;
} {
  clientContext ??= createSecureContext({ minVersion: 'TLSv1.2', ca: trustedCertificates() });
  // Certificates are checked by verifyCertificate (so a pinned one can pass);
  // SNI must not carry an IP address (RFC 6066 section 3).
  return isIP(host) === 0
    ? { rejectUnauthorized: false, servername: host, secureContext: clientContext }
    : { rejectUnauthorized: false, secureContext: clientContext };
}

function lostError(message: string, cause?: unknown): FerryError {
  return new FerryError('CONNECTION_LOST', message, { cause });
}

/**
 * Waits for a socket to connect (TCP) or finish its handshake (TLS), with a
 * deadline and a cancel signal; destroys it on failure.
 */
export function awaitConnected(
  socket: Socket,
  event: 'connect' | 'secureConnect',
  what: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (error?: FerryError): void => {
      clearTimeout(timer);
      socket.off(event, onConnected);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve();
    };
    const onConnected = (): void => done();
    const onError = (error: Error): void => {
      const code = event === 'secureConnect' && !/ECONNRESET|EPIPE|ECONNREFUSED/.test(error.message);
      done(
        code
          ? new FerryError('TLS_REQUIRED', `${what}: TLS negotiation failed (${error.message})`, { cause: error })
          : lostError(`${what}: ${error.message}`, error),
      );
    };
    const onClose = (): void => done(lostError(`${what}: the connection was closed`));
    const onAbort = (): void => done(canceledError());
    const timer = setTimeout(
      () => done(new FerryError('TIMEOUT', `${what}: no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    if (signal?.aborted) {
      onAbort();
      return;
    }
    socket.once(event, onConnected);
    socket.on('error', onError);
    socket.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One FTP control connection: writes command lines, reads replies (hardened
 * by {@link ReplyParser}), logs both with secrets redacted, and can switch
 * to TLS in place after `AUTH TLS`. It knows nothing of what commands mean;
 * the session drives it one command at a time. Once it fails (closed, reset,
 * a malformed or late reply) it stays failed: the session opens a new one.
 */
export class ControlConnection {
  private socket: Socket;
  private parser = new ReplyParser();
  private readonly queued: FtpReply[] = [];
  private waiter: Waiter | null = null;
  private failure: FerryError | null = null;
  /** The freshest TLS session the server gave us, for data connections to resume. */
  private session: Buffer | undefined;
  /** SHA-256 fingerprint of the control connection's certificate, once TLS is on. */
  fingerprint: string | undefined;

  private constructor(
    socket: Socket,
    private readonly endpoint: ControlEndpoint,
  ) {
    this.socket = socket;
    this.attach(socket);
    if ('encrypted' in socket) this.watchSessions(socket as TLSSocket);
  }

  /** Opens the TCP (or, for implicit FTPS, TLS) connection; does not read the greeting. */
  static async open(endpoint: ControlEndpoint, signal?: AbortSignal): Promise<ControlConnection> {
    const where = `Cannot connect to ${endpoint.host}:${endpoint.port}`;
    endpoint.log(
      'info',
      `Connecting to ${endpoint.host}:${endpoint.port}${endpoint.implicitTls ? ' (implicit TLS)' : ''}`,
    );
    if (!endpoint.implicitTls) {
      const socket = connectTcp({ host: endpoint.host, port: endpoint.port });
      await awaitConnected(socket, 'connect', where, endpoint.connectTimeoutMs, signal);
      socket.setNoDelay(true);
      return new ControlConnection(socket, endpoint);
    }
    const socket = connectTls({ host: endpoint.host, port: endpoint.port, ...tlsClientOptions(endpoint.host) });
    // Tickets may arrive right after the handshake, before we wrap the socket.
    let session: Buffer | undefined;
    socket.on('session', (ticket: Buffer) => (session = ticket));
    await awaitConnected(socket, 'secureConnect', where, endpoint.connectTimeoutMs, signal);
    const fingerprint = ControlConnection.verify(socket, endpoint);
    socket.setNoDelay(true);
    const connection = new ControlConnection(socket, endpoint);
    connection.fingerprint = fingerprint;
    connection.session ??= session;
    endpoint.log('info', `TLS ${socket.getProtocol() ?? ''} established, certificate ${fingerprint}`);
    return connection;
  }

  private static verify(socket: TLSSocket, endpoint: ControlEndpoint): string {
    try {
      return verifyCertificate(socket, endpoint.host, endpoint.pinnedFingerprint);
    } catch (error) {
      socket.destroy();
      throw error;
    }
  }

  /** The host name the session was opened with (for SNI and certificate checks). */
  get host(): string {
    return this.endpoint.host;
  }

  /** The server as host:port, as the session was opened with it. */
  get server(): string {
    return `${this.endpoint.host}:${this.endpoint.port}`;
  }

  /** The address the control connection really reached; data connections go there. */
  get remoteAddress(): string {
    return this.socket.remoteAddress ?? this.endpoint.host;
  }

  /** Our end's address, where active mode listens. */
  get localAddress(): string {
    return this.socket.localAddress ?? '127.0.0.1';
  }

  get isSecure(): boolean {
    return 'encrypted' in this.socket;
  }

  /** True until the connection failed or was closed. */
  get isOpen(): boolean {
    return this.failure === null;
  }

  /** The TLS session data connections must resume (vsftpd's require_ssl_reuse). */
  get tlsSession(): Buffer | undefined {
    return this.session;
  }

  /** Records a newer session (a data connection may hand out fresh TLS 1.3 tickets). */
  set tlsSession(session: Buffer | undefined) {
    if (session) this.session = session;
  }

  /**
   * Sends one command line (already checked by commandLine). Replies that
   * nobody asked for are dropped first, logged, so they cannot be taken for
   * this command's answer; a 421 among them means the server is leaving.
   */
  send(line: string): void {
    this.sendAll([line]);
  }

  /**
   * Sends several command lines in one write; the caller then reads their
   * replies in order. A server handles a control connection's commands one
   * after another whether they come together or apart (RFC 959 lets them
   * queue), so commands that do not depend on each other's answers cost one
   * system call and one wake-up of the server instead of one per command.
   */
  sendAll(lines: readonly string[]): void {
    if (this.failure) throw this.failure;
    for (const stray of this.queued.splice(0)) {
      this.endpoint.log('error', `Unexpected reply ignored: ${describeReply(stray)}`);
      if (stray.code === 421) {
        const closing = new FerryError('CONNECTION_LOST', `The server closed the session: ${describeReply(stray)}`, {
          replyCode: 421,
        });
        this.fail(closing);
        throw closing;
      }
    }
    let text = '';
    for (const line of lines) {
      this.endpoint.log('command', redactCommand(line));
      text += `${line}\r\n`;
    }
    this.socket.write(text);
  }

  /**
   * The next reply. A timeout or cancel leaves the conversation out of step
   * (a late reply would be taken for the next command's), so it also closes
   * the connection.
   */
  read(options: ReadOptions = {}): Promise<FtpReply> {
    const queued = this.queued.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiter) return Promise.reject(new FerryError('PROTOCOL', 'Two reads of one FTP control connection'));
    const { timeoutMs, signal } = options;
    return new Promise<FtpReply>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiter = null;
      };
      const onAbort = (): void => {
        finish();
        this.fail(new FerryError('CANCELED', 'The control connection was closed to cancel a command'));
        reject(canceledError());
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              finish();
              const error = new FerryError('TIMEOUT', `The server did not answer within ${timeoutMs / 1000} s`);
              this.fail(error);
              reject(error);
            }, timeoutMs);
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = {
        resolve: (reply) => {
          finish();
          resolve(reply);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      };
    });
  }

  /** Sends a command and returns its reply (the first one; callers of transfer commands read on). */
  async execute(line: string, options: ReadOptions = {}): Promise<FtpReply> {
    this.send(line);
    return this.read(options);
  }

  /**
   * Switches to TLS after the server said 234 to AUTH TLS, checks the
   * certificate, and only then lets commands (USER, PASS) through. Bytes the
   * server sent after its 234, still in plain text, mean someone may be
   * injecting replies: TLS_REQUIRED, before anything secret is sent.
   */
  async upgradeToTls(signal?: AbortSignal): Promise<void> {
    const raw = this.socket;
    this.detach(raw);
    // The TLS socket reports failures from now on; the raw one must not crash the process.
    raw.on('error', () => undefined);
    if (this.queued.length > 0 || this.parser.hasPartialReply) {
      raw.destroy();
      const injected = new FerryError('TLS_REQUIRED', 'The server sent plain-text data after agreeing to TLS (234)');
      this.fail(injected);
      throw injected;
    }
    const secure = connectTls({ socket: raw, ...tlsClientOptions(this.endpoint.host) });
    let session: Buffer | undefined;
    secure.on('session', (ticket: Buffer) => (session = ticket));
    try {
      await awaitConnected(secure, 'secureConnect', 'TLS upgrade', this.endpoint.connectTimeoutMs, signal);
      this.fingerprint = ControlConnection.verify(secure, this.endpoint);
    } catch (error) {
      raw.destroy();
      this.fail(error instanceof FerryError ? error : lostError('TLS upgrade failed', error));
      throw error;
    }
    this.socket = secure;
    this.parser = new ReplyParser();
    this.attach(secure);
    this.watchSessions(secure);
    this.session ??= session;
    this.endpoint.log('info', `TLS ${secure.getProtocol() ?? ''} established, certificate ${this.fingerprint}`);
  }

  /** Closes at once, without QUIT; a pending read rejects with `reason`. */
  destroy(reason: FerryError = lostError('The connection was closed')): void {
    this.fail(reason);
  }

  /** Says QUIT and waits briefly for the goodbye; never throws. */
  async quit(timeoutMs: number): Promise<void> {
    if (this.failure) return;
    try {
      await this.execute('QUIT', { timeoutMs });
    } catch {
      // Leaving anyway.
    }
    this.destroy();
  }

  private watchSessions(socket: TLSSocket): void {
    socket.on('session', (ticket: Buffer) => (this.session = ticket));
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  private detach(socket: Socket): void {
    socket.off('data', this.onData);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
  }

  private readonly onData = (chunk: Buffer): void => {
    let replies: FtpReply[];
    try {
      replies = this.parser.push(chunk);
    } catch (error) {
      this.fail(error instanceof FerryError ? error : new FerryError('PROTOCOL', String(error)));
      return;
    }
    for (const reply of replies) {
      this.endpoint.log('reply', reply.lines.join('\n'));
      if (this.waiter) {
        this.waiter.resolve(reply);
      } else if (this.queued.length >= MAX_UNREAD_REPLIES) {
        // None of them answers anything: the next read gets the failure, not one of them.
        this.queued.length = 0;
        this.fail(
          new FerryError('PROTOCOL', `The server sent more than ${MAX_UNREAD_REPLIES} replies to commands never sent`),
        );
        return;
      } else {
        this.queued.push(reply);
      }
    }
  };

  private readonly onError = (error: Error): void => {
    this.fail(lostError(`The control connection failed: ${error.message}`, error));
  };

  private readonly onClose = (): void => {
    this.fail(lostError('The server closed the control connection'));
  };

  private fail(error: FerryError): void {
    if (this.failure) return;
    this.failure = error;
    this.detach(this.socket);
    // Keep a listener: a late error on a destroyed socket must not crash the process.
    this.socket.on('error', () => undefined);
    this.socket.destroy();
    this.waiter?.reject(error);
  }
}
