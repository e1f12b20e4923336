import { describe, expect, it } from 'vitest';
import { FerryError } from '../../../../shared/errors.js';
import { SessionPool } from '../../../../electron/core/sessions/sessionPool.js';
import { MemoryServer, type MemoryFileSystem } from '../memoryFileSystem.js';

describe('SessionPool', () => {
  it('opens up to its limit, queues the rest, and reuses released sessions', async () => {
    const server = new MemoryServer();
    const pool = new SessionPool({ open: () => Promise.resolve(server.connect()), limit: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    let third = false;
    const c = pool.acquire().then((lease) => {
      third = true;
      return lease;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(third).toBe(false);
    expect(server.opened).toBe(2);
    a.release();
    const lease = await c;
    expect(lease.session).toBe(a.session);
    expect(server.opened).toBe(2);
    b.discard();
    lease.release();
    await pool.close();
    expect(server.open).toBe(0);
  });

  it('drops an idle session whose connection died instead of lending it, and opens a new one', async () => {
    const server = new MemoryServer();
    const sessions: MemoryFileSystem[] = [];
    const pool = new SessionPool({
      open: () => {
        const session = server.connect();
        sessions.push(session);
        return Promise.resolve(session);
      },
      limit: 1,
    });
    const first = await pool.acquire();
    first.release();
    const [dead] = sessions;
    if (dead) dead.lost = true;
    const second = await pool.acquire();
    expect(sessions).toHaveLength(2);
    expect(second.session).toBe(sessions[1]);
    expect(server.open).toBe(1);

    // One that died while lent is closed when it comes back, not kept.
    const lent = sessions[1];
    if (lent) lent.lost = true;
    second.release();
    expect(server.open).toBe(0);
    await pool.close();
  });

  it('lowers its limit for the run when the server answers 421', async () => {
    const server = new MemoryServer();
    let attempts = 0;
    const pool = new SessionPool({
      open: () => {
        attempts += 1;
        if (server.open >= 1) {
          return Promise.reject(new FerryError('CONNECTION_LOST', '421 Too many connections', { replyCode: 421 }));
        }
        return Promise.resolve(server.connect());
      },
      limit: 4,
      baseDelayMs: 1,
      random: () => 0.5,
    });
    const first = await pool.acquire();
    const second = pool.acquire();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(pool.limit).toBe(1);
    first.release();
    const lease = await second;
    expect(lease.session).toBe(first.session);
    expect(attempts).toBe(2);
    lease.release();
    await pool.close();
  });

  it('retries a dropped connection with backoff, then gives up after the attempts run out', async () => {
    let attempts = 0;
    const pool = new SessionPool({
      open: () => {
        attempts += 1;
        return Promise.reject(new FerryError('TIMEOUT', 'no answer'));
      },
      limit: 1,
      baseDelayMs: 1,
      maxOpenAttempts: 3,
    });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(attempts).toBe(3);
    await pool.close();
  });

  it('fails every waiting caller at once on an error no retry can fix', async () => {
    let attempts = 0;
    const pool = new SessionPool({
      open: () => {
        attempts += 1;
        return Promise.reject(new FerryError('AUTH_FAILED', '530 Login incorrect', { replyCode: 530 }));
      },
      limit: 3,
      baseDelayMs: 1,
    });
    const results = await Promise.allSettled([pool.acquire(), pool.acquire(), pool.acquire()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(attempts).toBeLessThanOrEqual(3);
    await pool.close();
  });

  it('cancels a waiting caller whose signal fires, and refuses after close', async () => {
    const server = new MemoryServer();
    const pool = new SessionPool({ open: () => Promise.resolve(server.connect()), limit: 1 });
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELED' });
    held.release();
    await pool.close();
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'CANCELED' });
    expect(() => new SessionPool({ open: () => Promise.resolve(server.connect()), limit: 0 })).toThrow(FerryError);
  });
});
