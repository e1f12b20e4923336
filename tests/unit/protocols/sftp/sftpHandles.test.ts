import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { awaitReply, openWithin, type ReplyBounds } from '../../../../electron/core/protocols/sftp/sftpHandles.js';

type Done = (error?: Error | null, value?: unknown) => void;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A reply that comes after `ms`, or never when `ms` is null. */
const replyAfter = <T>(ms: number | null, value: T): Promise<T> =>
  new Promise((resolve) => {
    if (ms !== null) setTimeout(() => resolve(value), ms);
  });

/** Bounds of 100 ms that count the stalls they report. */
function bounds(extra: Partial<ReplyBounds> = {}): ReplyBounds & { stalls: () => number } {
  let stalls = 0;
  return {
    timeoutMs: 100,
    signal: undefined,
    onStall: () => {
      stalls++;
    },
    isSessionLost: () => false,
    stalls: () => stalls,
    ...extra,
  };
}

describe('awaitReply', () => {
  it('gives the reply when it comes in time', async () => {
    const within = bounds();
    expect(await awaitReply(() => replyAfter(10, 'handle'), '/f', within)).toBe('handle');
    await pause(150);
    expect(within.stalls()).toBe(0);
  });

  it('fails with the retryable stalled TIMEOUT and drops the session when no reply comes', async () => {
    const within = bounds();
    const started = Date.now();
    await expect(awaitReply(() => replyAfter(null, 'never'), '/f', within)).rejects.toMatchObject({
      code: 'TIMEOUT',
      retryable: true,
      message: expect.stringContaining('while transferring "/f"') as unknown,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(within.stalls()).toBe(1);
  });

  it('leaves a session that is gone already alone', async () => {
    const within = bounds({ isSessionLost: () => true });
    await expect(awaitReply(() => replyAfter(null, 'never'), '/f', within)).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    expect(within.stalls()).toBe(0);
  });

  it('stops at once with CANCELED on a cancel, and keeps the session', async () => {
    const controller = new AbortController();
    const within = bounds({ signal: controller.signal, timeoutMs: 5000 });
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    await expect(awaitReply(() => replyAfter(null, 'never'), '/f', within)).rejects.toMatchObject({
      code: 'CANCELED',
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(within.stalls()).toBe(0);
  });

  it('does not send at all when canceled already', async () => {
    const controller = new AbortController();
    controller.abort();
    let sent = false;
    const send = (): Promise<string> => {
      sent = true;
      return replyAfter(0, 'x');
    };
    await expect(awaitReply(send, '/f', bounds({ signal: controller.signal }))).rejects.toMatchObject({
      code: 'CANCELED',
    });
    expect(sent).toBe(false);
  });

  it('counts from the last reply of the transfer, so a request queued behind answered ones is not stuck', async () => {
    // Replies to other requests keep coming every 30 ms for 250 ms; this
    // one is answered only after them, well past 100 ms from its send.
    let lastReply = Date.now();
    const ticker = setInterval(() => {
      lastReply = Date.now();
    }, 30);
    setTimeout(() => clearInterval(ticker), 250);
    const within = bounds({ lastReply: () => lastReply });
    expect(await awaitReply(() => replyAfter(300, 'flushed'), '/f', within)).toBe('flushed');
    expect(within.stalls()).toBe(0);
  });

  it('passes the error of a refused request through', async () => {
    const refused = Object.assign(new Error('No such file'), { code: 2 });
    await expect(awaitReply(() => Promise.reject(refused), '/f', bounds())).rejects.toBe(refused);
  });
});

describe('openWithin', () => {
  it('closes a handle that comes after a cancel', async () => {
    const closed: Buffer[] = [];
    const handle = Buffer.from([7]);
    const sftp = {
      open: (_path: string, _flags: number, done: Done) => setTimeout(() => done(null, handle), 80),
      close: (closing: Buffer, done: Done) => {
        closed.push(closing);
        done(null);
      },
    } as unknown as SFTPWrapper;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    await expect(openWithin(sftp, '/f', 1, undefined, bounds({ signal: controller.signal }))).rejects.toMatchObject({
      code: 'CANCELED',
    });
    expect(closed).toEqual([]);
    await pause(120);
    expect(closed).toEqual([handle]);
  });
});
