import { FerryError } from '../../../../shared/errors.js';
import type { LogSink } from '../../log/messageLog.js';
import { throwIfAborted } from '../../remote/streams.js';
import { DataConnector, type DataSettings } from './dataConnector.js';
import { logIn, type LoggedIn, type LoginSettings } from './login.js';
import type { TransferContext } from './transfer.js';

/** Everything a session needs to (re)connect and move data. */
export interface FtpSessionSettings {
  login: LoginSettings;
  data: DataSettings;
  replyTimeoutMs: number;
  dataTimeoutMs: number;
  /** Send NOOP after this long idle, so routers and servers keep the session; 0 for never. */
  keepaliveMs: number;
  log: LogSink;
}

/** The operation a session is running; one at a time, like FileZilla's engine. */
export type OperationName =
  | 'idle'
  | 'connect'
  | 'list'
  | 'stat'
  | 'download'
  | 'upload'
  | 'mkdir'
  | 'delete'
  | 'rmdir'
  | 'rename'
  | 'chmod'
  | 'setModified'
  | 'hash'
  | 'keepalive'
  | 'close';

/** What an operation gets to work with: the logged-in connection and how to move data over it. */
export interface OperationContext extends TransferContext {
  session: LoggedIn;
}

/**
 * One FTP session: a control connection that runs one operation at a time
 * (callers may ask concurrently; operations queue), reconnects and logs in
 * again when the previous operation left the connection unusable (reset,
 * timeout, an abort the server did not complete, a 421), and sends NOOP
 * while idle. `state` says which operation runs.
 */
export class FtpSession {
  private current: LoggedIn;
  private readonly connector: DataConnector;
  private queue: Promise<unknown> = Promise.resolve();
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** The operation running now, or 'idle'. */
  state: OperationName = 'idle';

  private constructor(
    private readonly settings: FtpSessionSettings,
    first: LoggedIn,
  ) {
    this.current = first;
    this.connector = new DataConnector(settings.data);
    this.scheduleKeepalive();
  }

  /** Connects and logs in; fails with the first error (nothing to retry yet). */
  static async open(settings: FtpSessionSettings, signal?: AbortSignal): Promise<FtpSession> {
    return new FtpSession(settings, await logIn(settings.login, signal));
  }

  /** What login found out (features, initial folder) on the current connection. */
  get info(): LoggedIn {
    return this.current;
  }

  /** Runs `work` when every earlier operation is done, on a logged-in connection. */
  run<T>(name: OperationName, signal: AbortSignal | undefined, work: (context: OperationContext) => Promise<T>) {
    const task = this.queue.then(async () => {
      this.stopKeepalive();
      if (this.closed) throw new FerryError('CONNECTION_LOST', 'The FTP session is closed');
      try {
        throwIfAborted(signal);
        const session = await this.connected(signal);
        this.state = name;
        return await work({
          session,
          control: session.control,
          connector: this.connector,
          protect: this.settings.login.tls !== 'none',
          replyTimeoutMs: this.settings.replyTimeoutMs,
          dataTimeoutMs: this.settings.dataTimeoutMs,
          log: this.settings.log,
        });
      } finally {
        this.state = 'idle';
        this.scheduleKeepalive();
      }
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  /** Says QUIT and closes; waits for the running operation first. Never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopKeepalive();
    await this.queue;
    this.state = 'close';
    await this.current.control.quit(Math.min(this.settings.replyTimeoutMs, 5_000));
    this.state = 'idle';
  }

  private async connected(signal: AbortSignal | undefined): Promise<LoggedIn> {
    if (this.current.control.isOpen) return this.current;
    this.state = 'connect';
    this.settings.log('info', 'The connection was lost; reconnecting');
    const fresh = await logIn(this.settings.login, signal);
    this.current = { ...fresh, initialFolder: this.current.initialFolder };
    return this.current;
  }

  private scheduleKeepalive(): void {
    if (this.closed || this.settings.keepaliveMs <= 0 || this.keepaliveTimer) return;
    this.keepaliveTimer = setTimeout(() => {
      this.keepaliveTimer = null;
      this.queue = this.queue.then(() => this.noop());
    }, this.settings.keepaliveMs);
    // An idle session must not keep the process (the CLI, a test) alive.
    this.keepaliveTimer.unref();
  }

  private async noop(): Promise<void> {
    const control = this.current.control;
    // A lost connection is reopened by the next real operation, not by a keepalive.
    if (this.closed || !control.isOpen) return;
    this.state = 'keepalive';
    try {
      await control.execute('NOOP', { timeoutMs: this.settings.replyTimeoutMs });
    } catch {
      this.settings.log('info', 'Keepalive failed; the next operation will reconnect');
    } finally {
      this.state = 'idle';
      this.scheduleKeepalive();
    }
  }

  private stopKeepalive(): void {
    if (this.keepaliveTimer) clearTimeout(this.keepaliveTimer);
    this.keepaliveTimer = null;
  }
}
