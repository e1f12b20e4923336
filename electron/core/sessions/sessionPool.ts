import { FerryError } from '../../../shared/errors.js';
import { silentLog, type LogSink } from '../log/messageLog.js';
import type { RemoteFileSystem } from '../remote/remoteFileSystem.js';
import { canceledError } from '../remote/streams.js';
import { backoffDelay } from './backoff.js';

/** A session lent out by the pool; give it back with `release`, or `discard` it when it broke. */
export interface Lease {
  readonly session: RemoteFileSystem;
  /** Returns a healthy session for reuse. */
  release(): void;
  /** Closes a session that failed in a way that may have left it unusable. */
  discard(): void;
}

export interface SessionPoolOptions {
  /** Opens and logs in one new session. */
  open: (signal: AbortSignal) => Promise<RemoteFileSystem>;
  /** Most sessions at once (the site's connection limit). */
  limit: number;
  log?: LogSink;
  /** First reconnect delay; doubles per failure, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Failed opens in a row before waiting callers are failed. */
  maxOpenAttempts?: number;
  /** Idle sessions are closed after this long, freeing the server's slots. */
  idleTimeoutMs?: number;
  random?: () => number;
}

interface Waiter {
  resolve: (lease: Lease) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

interface IdleSession {
  session: RemoteFileSystem;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * True when the server said it is busy or refused the connection (FTP 421,
 * TCP refused): the pool then lowers its limit for the rest of the run
 * instead of hammering the server with more connections.
 */
export function isServerBusy(error: unknown): boolean {
  if (!(error instanceof FerryError)) return false;
  return error.replyCode === 421 || error.details?.serverBusy === true || /refused/i.test(error.message);
}

/**
 * Hands out sessions to one site up to its connection limit: reuses idle
 * ones, opens new ones when allowed, queues callers otherwise. A failed
 * open is retried with exponential backoff and jitter; a server that says
 * it is busy (421) or refuses connections gets a lower limit for the rest
 * of the run. Errors no retry can fix (a wrong password, an unknown host
 * key) fail every waiting caller at once.
 */
export class SessionPool {
  private readonly idle: IdleSession[] = [];
  private readonly waiters: Waiter[] = [];
  private leased = 0;
  private opening = 0;
  private failures = 0;
  private currentLimit: number;
  private closed = false;
  private readonly controller = new AbortController();
  private readonly log: LogSink;

  constructor(private readonly options: SessionPoolOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new FerryError('INVALID_INPUT', `A connection limit must be a whole number ≥ 1, not ${options.limit}`);
    }
    this.currentLimit = options.limit;
    this.log = options.log ?? silentLog;
  }

  /** The limit in force now: the site's, or lower after the server said it was busy. */
  get limit(): number {
    return this.currentLimit;
  }

  /** Sessions open or being opened. */
  get size(): number {
    return this.leased + this.opening + this.idle.length;
  }

  /** Takes an already open session into the pool (e.g. the one that resolved a path), counting toward the limit. */
  adopt(session: RemoteFileSystem): void {
    if (this.closed) {
      void session.close();
      return;
    }
    this.keepIdle(session);
    this.pump();
  }

  /** Waits for a session; rejects with CANCELED if `signal` fires first. */
  acquire(signal?: AbortSignal): Promise<Lease> {
    if (this.closed) return Promise.reject(new FerryError('CANCELED', 'The connection pool is closed'));
    if (signal?.aborted) return Promise.reject(canceledError());
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.removeWaiter(waiter);
          reject(canceledError());
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** Closes every idle session and fails waiting callers; leased sessions close when returned. */
  async close(): Promise<void> {
    this.closed = true;
    this.controller.abort();
    for (const waiter of this.waiters.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(new FerryError('CANCELED', 'The connection pool was closed'));
    }
    const idle = this.idle.splice(0);
    await Promise.all(
      idle.map(({ session, timer }) => {
        clearTimeout(timer);
        return session.close();
      }),
    );
  }

  private isClosed(): boolean {
    return this.closed;
  }

  private removeWaiter(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  private lend(session: RemoteFileSystem): Lease {
    this.leased += 1;
    let done = false;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      this.leased -= 1;
      return true;
    };
    return {
      session,
      release: () => {
        if (!finish()) return;
        if (this.closed || session.lost === true) void session.close();
        else this.keepIdle(session);
        this.pump();
      },
      discard: () => {
        if (!finish()) return;
        void session.close();
        this.pump();
      },
    };
  }

  private keepIdle(session: RemoteFileSystem): void {
    const timer = setTimeout(() => {
      const index = this.idle.findIndex((entry) => entry.session === session);
      if (index < 0) return;
      this.idle.splice(index, 1);
      void session.close();
    }, this.options.idleTimeoutMs ?? 60_000);
    timer.unref();
    this.idle.push({ session, timer });
  }

  /** Matches waiting callers with idle sessions, and opens more while the limit allows. */
  private pump(): void {
    this.dropLostIdle();
    while (this.waiters.length > 0 && this.idle.length > 0) {
      const waiter = this.waiters.shift();
      const idle = this.idle.pop();
      if (!waiter || !idle) break;
      clearTimeout(idle.timer);
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.lend(idle.session));
    }
    while (!this.closed && this.waiters.length > this.opening && this.size < this.currentLimit) {
      void this.openOne();
    }
  }

  /** Closes idle sessions whose connection is gone (the server timed them out): lent, they would only fail. */
  private dropLostIdle(): void {
    for (let index = this.idle.length - 1; index >= 0; index--) {
      const entry = this.idle[index];
      if (entry?.session.lost !== true) continue;
      this.idle.splice(index, 1);
      clearTimeout(entry.timer);
      void entry.session.close();
    }
  }

  private async openOne(): Promise<void> {
    this.opening += 1;
    const delay = backoffDelay(
      this.failures,
      this.options.baseDelayMs ?? 500,
      this.options.maxDelayMs ?? 30_000,
      this.options.random,
    );
    let session: RemoteFileSystem;
    try {
      if (delay > 0) {
        this.log('info', `Reconnecting in ${(delay / 1000).toFixed(1)} s`);
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
      if (this.closed) throw new FerryError('CANCELED', 'The connection pool was closed');
      session = await this.options.open(this.controller.signal);
    } catch (error) {
      this.opening -= 1;
      this.openFailed(error);
      return;
    }
    this.opening -= 1;
    this.failures = 0;
    // The pool may have been closed while the session was opening.
    if (this.isClosed()) {
      void session.close();
      return;
    }
    this.keepIdle(session);
    this.pump();
  }

  private openFailed(error: unknown): void {
    if (this.closed) return;
    this.failures += 1;
    const retryable = error instanceof FerryError && error.retryable;
    if (isServerBusy(error)) {
      // Stay at what the server accepted so far (at least one).
      const lowered = Math.max(1, this.leased + this.idle.length + this.opening);
      if (lowered < this.currentLimit) {
        this.log('info', `The server refused more connections; using at most ${lowered} from now on`);
        this.currentLimit = lowered;
      }
    }
    const sessionsLeft = this.leased + this.idle.length + this.opening > 0;
    const attempts = this.options.maxOpenAttempts ?? 5;
    if (retryable && (sessionsLeft || this.failures < attempts)) {
      // Callers keep waiting: for a retry, or for a busy session to come back.
      if (!sessionsLeft) this.pump();
      return;
    }
    this.log('error', `Could not connect: ${error instanceof Error ? error.message : String(error)}`);
    for (const waiter of this.waiters.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(error);
    }
    this.failures = 0;
  }
}
