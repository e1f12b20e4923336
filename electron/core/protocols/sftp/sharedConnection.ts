import type { Client, SFTPWrapper } from 'ssh2';
import type { LogSink } from '../../log/messageLog.js';

/** How long a polite end of the connection may take before it is cut. */
const END_TIMEOUT_MS = 5000;

/** Tells its listeners, once, that a connection or channel is gone; nothing before `arm` (the login). */
export class Loss {
  private armed = false;
  private readonly listeners = new Set<(reason: string) => void>();

  arm(): void {
    this.armed = true;
  }

  /** Registers a listener; returns what unregisters it, so a closed channel is not kept alive by the list. */
  readonly listen = (listener: (reason: string) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly report = (reason: string): void => {
    if (!this.armed) return;
    this.armed = false;
    for (const listener of [...this.listeners]) listener(reason);
  };
}

/** Reports an SFTP channel's end as a loss. ssh2 emits a fatal SFTP protocol error on it; unheard it would crash the process. */
export function watchChannel(sftp: SFTPWrapper, log: LogSink, lost: (reason: string) => void): void {
  sftp.on('error', (error: Error) => {
    log('error', `SFTP channel error: ${error.message}`);
    lost(error.message);
  });
  sftp.on('close', () => lost('the SFTP channel closed'));
}

/**
 * The SSH connection under one or more SFTP sessions (the first, and the
 * channels opened beside it): ended when the last of them lets go, so a
 * session closing its own channel never cuts the others' transfers.
 * `loss` reports the connection itself going (the server, the network, a
 * changed host key), which every session on it shares.
 */
export class SharedConnection {
  readonly loss = new Loss();
  private users = 1;
  private closed = false;
  private ended: Promise<void> | null = null;

  constructor(readonly client: Client) {
    client.once('close', () => {
      this.closed = true;
    });
  }

  /** No other session uses the connection. */
  get soleUser(): boolean {
    return this.users === 1;
  }

  /** One more session uses the connection. */
  hold(): void {
    this.users += 1;
  }

  /**
   * A session is done with the connection; the last one ends it, politely
   * and within a few seconds, or at once when `cut` (that session had
   * given up on the server: a polite end would only wait out the timeout).
   */
  release(cut = false): Promise<void> {
    this.users -= 1;
    if (this.users > 0) return Promise.resolve();
    if (this.closed) return Promise.resolve();
    if (cut) {
      this.client.destroy();
      return Promise.resolve();
    }
    this.ended ??= new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.client.destroy();
        done();
      }, END_TIMEOUT_MS);
      this.client.once('close', done);
      this.client.end();
    });
    return this.ended;
  }

  /** Cuts the connection at once, for every session on it: the server stopped answering, or never finished logging in. */
  destroy(): void {
    this.client.destroy();
  }
}
