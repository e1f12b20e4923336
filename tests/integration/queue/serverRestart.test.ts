import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFerryUrl } from '../../../shared/url.js';
import { openRemote } from '../../../electron/core/remote/openRemote.js';
import { SessionPool } from '../../../electron/core/sessions/sessionPool.js';
import type { TransferJob } from '../../../electron/core/transfers/job.js';
import { TransferQueue } from '../../../electron/core/transfers/transferQueue.js';
import { createExtraSshd, type ExtraSshd } from '../../servers/extraSshd.js';
import { servers, user } from './queueFixtures.js';

// The server dies in the middle of a download and comes back: the queue
// retries on its own, the pool reconnects with backoff, and the transfer
// resumes from the partial instead of starting over.
const SIZE = 48 * 1024 * 1024;
let sshd: ExtraSshd;
let local: string;
const remoteFile = join(user.home, 'queue-restart.bin');
let content: Buffer;

beforeAll(async () => {
  sshd = await createExtraSshd();
  await sshd.start();
  local = await mkdtemp(join(tmpdir(), 'ferry-queue-restart-'));
  content = randomBytes(SIZE);
  await writeFile(remoteFile, content);
  await chown(remoteFile, user.uid, user.gid);
}, 60_000);

afterAll(async () => {
  await sshd.dispose();
  await rm(local, { recursive: true, force: true });
  await rm(remoteFile, { force: true });
});

describe('the server killed mid-transfer and restarted', () => {
  it('resumes the download and finishes byte-identical', async () => {
    const target = join(local, 'restart.bin');
    const url = parseFerryUrl(`sftp://${user.name}@127.0.0.1:${sshd.port}${remoteFile}`);
    let killed = false;
    let killNow: (() => void) | null = null;
    const pool = new SessionPool({
      open: async (signal) => {
        const session = await openRemote(url, {
          password: user.password,
          dataFolder: local,
          signal,
          sftp: {
            trustFingerprint: servers.sftp.hostKeyFingerprint,
            agent: false,
            userKnownHostsFile: false,
          },
        });
        // The first session's processes are looked up now and killed
        // synchronously from the progress callback: a fast transfer could
        // finish while they were being found.
        if (!killed) killNow ??= await sshd.prepareKill();
        return session;
      },
      limit: 1,
      baseDelayMs: 200,
      maxOpenAttempts: 20,
    });
    const changes: TransferJob[] = [];
    let partialAtKill = 0;
    const queue = await TransferQueue.open({
      sites: { pool: () => pool, atomicUpload: () => false },
      overwrite: 'overwrite',
      retryBaseMs: 300,
      retryMaxMs: 1000,
      maxAttempts: 10,
      progressIntervalMs: 20,
      onChange: (jobs) => {
        changes.push(...jobs);
        const job = jobs[0];
        if (!killed && killNow && job && job.transferred > 8 * 1024 * 1024) {
          killed = true;
          killNow();
          void (async () => {
            await sshd.kill();
            partialAtKill = (await stat(`${target}.ferrypart`).catch(() => null))?.size ?? 0;
            await new Promise((resolve) => setTimeout(resolve, 500));
            await sshd.start();
          })();
        }
      },
    });
    queue.add([{ site: 'restart', direction: 'download', kind: 'file', remotePath: remoteFile, localPath: target }]);
    await queue.whenIdle();
    await queue.close();
    await pool.close();

    expect(killed).toBe(true);
    expect(queue.failed()).toEqual([]);
    const [done] = queue.succeeded();
    expect(done?.attempts).toBeGreaterThanOrEqual(1);
    expect(Buffer.compare(await readFile(target), content)).toBe(0);
    // Resumed, not restarted: after the failure no progress report went back below what was on disk.
    expect(partialAtKill).toBeGreaterThan(0);
    const afterRetry = changes.filter((job) => job.attempts >= 1 && job.state === 'running');
    expect(afterRetry.length).toBeGreaterThan(0);
    expect(Math.min(...afterRetry.map((job) => job.transferred))).toBeGreaterThanOrEqual(partialAtKill);
  }, 120_000);
});
