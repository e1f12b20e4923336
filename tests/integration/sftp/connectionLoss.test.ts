// The server dies mid-transfer: the transfer fails with a retryable
// CONNECTION_LOST, leaves its partial, and a resume on a new session
// completes the file byte-identical. Uses a private sshd (same host key and
// users as the shared one), never the shared sshd, which others rely on.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionPool } from '../../../electron/core/sessions/sessionPool.js';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { uploadFile } from '../../../electron/core/transfers/uploadFile.js';
import { createExtraSshd, type ExtraSshd } from '../../servers/extraSshd.js';
import { dataFolder, keyUser, openSession, removeAll, removeDataFolders, sha256, uniqueName } from './sftpTestKit.js';
import { failure } from '../failure.js';

const SIZE = 96 * 1024 * 1024 + 4321;
let server: ExtraSshd;
let folder = '';
let local = '';
let trustFolder = '';
const content = randomBytes(SIZE);

beforeAll(async () => {
  server = await createExtraSshd();
  await server.start();
  folder = join(keyUser.home, uniqueName('lost'));
  await mkdir(folder);
  await chown(folder, keyUser.uid, keyUser.gid);
  local = await mkdtemp(join(tmpdir(), 'ferry-sftp-lost-'));
  trustFolder = await dataFolder(true, server.port);
});

afterAll(async () => {
  await server.dispose();
  await removeAll(folder, local, trustFolder);
  await removeDataFolders();
});

describe('SFTP when the server dies mid-transfer', () => {
  it(
    'fails a download with retryable CONNECTION_LOST, then resumes it byte-identical',
    { timeout: 120_000 },
    async () => {
      const remotePath = join(folder, 'down.bin');
      await writeFile(remotePath, content);
      await chown(remotePath, keyUser.uid, keyUser.gid);
      const target = join(local, 'down.bin');

      const first = await openSession({ port: server.port, folder: trustFolder });
      // Looked up now, killed synchronously from the progress callback: a
      // fast transfer could finish while the processes were being found.
      const killNow = await server.prepareKill();
      let killed = false;
      const error = await failure(
        downloadFile(first, remotePath, target, {
          onProgress: (bytes) => {
            if (bytes > 16 * 1024 * 1024 && !killed) {
              killed = true;
              killNow();
            }
          },
        }),
      );
      await server.kill();
      await first.close();
      expect(error.code).toBe('CONNECTION_LOST');
      expect(error.retryable).toBe(true);
      expect(existsSync(target)).toBe(false);
      const partial = (await stat(`${target}.ferrypart`)).size;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(SIZE);

      await server.start();
      const second = await openSession({ port: server.port, folder: trustFolder });
      try {
        const result = await downloadFile(second, remotePath, target, { resume: true });
        expect(result.transferred).toBe(SIZE - partial);
        expect(sha256(await readFile(target))).toBe(sha256(content));
      } finally {
        await second.close();
      }
    },
  );

  it(
    'fails an upload with retryable CONNECTION_LOST, then resumes it byte-identical',
    { timeout: 120_000 },
    async () => {
      const source = join(local, 'up-source.bin');
      await writeFile(source, content);
      const remotePath = join(folder, 'up.bin');

      const first = await openSession({ port: server.port, folder: trustFolder });
      // Looked up now, killed synchronously from the progress callback: a
      // fast transfer could finish while the processes were being found.
      const killNow = await server.prepareKill();
      let killed = false;
      const error = await failure(
        uploadFile(first, source, remotePath, {
          onProgress: (bytes) => {
            if (bytes > 16 * 1024 * 1024 && !killed) {
              killed = true;
              killNow();
            }
          },
        }),
      );
      await server.kill();
      await first.close();
      expect(error.code).toBe('CONNECTION_LOST');
      expect(error.retryable).toBe(true);
      const partial = (await stat(remotePath)).size;
      expect(partial).toBeLessThan(SIZE);

      await server.start();
      const second = await openSession({ port: server.port, folder: trustFolder });
      try {
        const result = await uploadFile(second, source, remotePath, { resume: true });
        expect(result.transferred).toBe(SIZE - partial);
        expect(sha256(await readFile(remotePath))).toBe(sha256(content));
      } finally {
        await second.close();
      }
    },
  );

  it('refuses new calls on a session whose connection is gone', async () => {
    const session = await openSession({ port: server.port, folder: trustFolder });
    await server.kill();
    // The loss is noticed on the next read of the socket; a call made after it must not hang.
    const error = await failure(
      (async () => {
        for (;;) {
          await session.list(folder);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })(),
    );
    expect(error.code).toBe('CONNECTION_LOST');
    await session.close();
    await server.start();
  });

  it('is dropped from a pool while idle, which lends a working new session instead', async () => {
    const pool = new SessionPool({
      open: () => openSession({ port: server.port, folder: trustFolder }),
      limit: 1,
      baseDelayMs: 1,
    });
    try {
      const first = await pool.acquire();
      const dead = first.session;
      first.release();
      await server.kill();
      await expect.poll(() => dead.lost, { timeout: 10_000 }).toBe(true);
      await server.start();
      const next = await pool.acquire();
      expect(next.session).not.toBe(dead);
      await expect(next.session.list(folder)).resolves.toEqual(expect.any(Array));
      next.release();
    } finally {
      await pool.close();
    }
  });

  it('closes a hung connection at once when every session on it has given up', async () => {
    const options = { port: server.port, folder: trustFolder, sftp: { requestTimeout: 500, keepaliveInterval: 0 } };
    const session = await openSession(options);
    const sibling = await session.openSibling();
    const thaw = await server.freeze();
    try {
      const codes = await Promise.all([failure(session.list(folder)), failure(sibling.list(folder))]);
      expect(codes.map((error) => error.code)).toEqual(['TIMEOUT', 'TIMEOUT']);
      const started = Date.now();
      await sibling.close();
      await session.close();
      // A polite end would wait seconds for a server that no longer answers.
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      thaw();
    }
  });
});
