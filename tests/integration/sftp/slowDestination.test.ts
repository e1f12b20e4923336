// A download into a destination slower than the network (a speed limit,
// a slow disk) must not read ahead of it without bound: what the engine
// holds stays within its window, not the whole file. Measured as the bytes
// the server has sent through a counting relay minus the bytes the engine
// has handed to the destination: an exact count, unlike process memory.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chown, mkdir, mkdtemp, open, readFile, truncate, writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_REQUEST_SIZE,
  DEFAULT_REQUESTS_IN_FLIGHT,
} from '../../../electron/core/protocols/sftp/sftpFileSystem.js';
import { localCalls } from '../../../electron/core/local/quickFs.js';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { Throttle } from '../../../electron/core/transfers/throttle.js';
import {
  keyUser,
  openSession,
  removeAll,
  removeDataFolders,
  servers,
  sha256,
  sshd,
  uniqueName,
} from './sftpTestKit.js';
import { failure } from '../failure.js';

/** Large enough that reading all of it ahead shows at once; sparse, so it costs nothing to make. */
const LARGE_SIZE = 256 * 1024 * 1024;
/** Well under what loopback delivers, so the destination is what holds the download back. */
const SPEED_LIMIT = 4_000_000;
/**
 * The engine buffers and asks for at most twice the bytes it keeps in
 * flight, plus one request; half as much again leaves room for SSH and
 * SFTP framing, yet unbounded reads pass it within a fraction of one
 * pause of the destination.
 */
const MAX_AHEAD = 1.5 * 2 * DEFAULT_REQUESTS_IN_FLIGHT * DEFAULT_REQUEST_SIZE;
/** A limit at which what the engine reads ahead (a few MiB) takes far longer to drain than a cancel may. */
const SLOW_LIMIT = 256 * 1024;
/** A cancel that waited for the throttle to drain would take ten times as long. */
const CANCEL_WITHIN_MS = 2000;

/** A TCP relay to the shared sshd that counts the bytes sent from the server to the client. */
interface CountingRelay {
  port: number;
  fromServer: () => number;
  close: () => Promise<void>;
}

async function countingRelay(): Promise<CountingRelay> {
  let fromServer = 0;
  const sockets = new Set<Socket>();
  const relay: Server = createServer((client) => {
    const server = connect({ host: servers.host, port: sshd.port });
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // A session closed or dropped mid-transfer resets its side; the other follows.
      socket.on('error', () => undefined);
    }
    server.on('data', (chunk: Buffer) => {
      fromServer += chunk.length;
    });
    client.pipe(server);
    server.pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, servers.host, resolve));
  return {
    port: (relay.address() as AddressInfo).port,
    fromServer: () => fromServer,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}

let relay: CountingRelay;
let folder = '';
let local = '';

beforeAll(async () => {
  relay = await countingRelay();
  folder = join(keyUser.home, uniqueName('slowdest'));
  await mkdir(folder);
  await chown(folder, keyUser.uid, keyUser.gid);
  local = await mkdtemp(join(tmpdir(), 'ferry-sftp-slowdest-'));
});

afterAll(async () => {
  await relay.close();
  await removeAll(folder, local);
  await removeDataFolders();
});

describe('SFTP download into a slow destination', () => {
  it('reads ahead only within its window under a speed limit, and cancels cleanly', { timeout: 30_000 }, async () => {
    const largePath = join(folder, 'large.bin');
    await writeFile(largePath, '');
    await truncate(largePath, LARGE_SIZE);
    await chown(largePath, keyUser.uid, keyUser.gid);
    const small = randomBytes(300 * 1024 + 17);
    const smallPath = join(folder, 'small.bin');
    await writeFile(smallPath, small);
    await chown(smallPath, keyUser.uid, keyUser.gid);

    const remote = await openSession({ port: relay.port });
    const controller = new AbortController();
    let handedOver = 0;
    const download = failure(
      downloadFile(remote, largePath, join(local, 'large.bin'), {
        throttle: new Throttle(SPEED_LIMIT),
        signal: controller.signal,
        onProgress: (bytes) => {
          handedOver = bytes;
        },
      }),
    );
    try {
      // Long enough for the throttle to hold the download back and let it go
      // on more than once; unbounded reads pass MAX_AHEAD within the first
      // half second. Stops at the first excess.
      let mostAhead = 0;
      for (let elapsed = 0; elapsed < 3000 && mostAhead <= MAX_AHEAD; elapsed += 50) {
        await sleep(50);
        mostAhead = Math.max(mostAhead, relay.fromServer() - handedOver);
      }
      expect(mostAhead, 'bytes sent by the server but not yet handed to the destination').toBeLessThanOrEqual(
        MAX_AHEAD,
      );
      // The count sees the file's bytes (no compression hides them), and the download moved.
      expect(handedOver).toBeGreaterThan(0);
      expect(relay.fromServer()).toBeGreaterThanOrEqual(handedOver);
      expect(handedOver).toBeLessThan(LARGE_SIZE);

      controller.abort();
      expect((await download).code).toBe('CANCELED');
      const target = join(local, 'small.bin');
      await downloadFile(remote, smallPath, target, {});
      expect(sha256(await readFile(target))).toBe(sha256(small));
    } finally {
      controller.abort();
      await remote.close();
      await download.catch(() => undefined);
    }
  });

  it(
    'cancels at once under a low speed limit, and the partial resumes to the whole file',
    { timeout: 30_000 },
    async () => {
      const content = randomBytes(8 * 1024 * 1024 + 5);
      const path = join(folder, 'medium.bin');
      await writeFile(path, content);
      await chown(path, keyUser.uid, keyUser.gid);
      const target = join(local, 'medium.bin');

      const remote = await openSession({ port: relay.port });
      const controller = new AbortController();
      let handedOver = 0;
      const download = failure(
        downloadFile(remote, path, target, {
          // Draining what the engine has read ahead at this rate takes many seconds.
          throttle: new Throttle(SLOW_LIMIT),
          signal: controller.signal,
          onProgress: (bytes) => {
            handedOver = bytes;
          },
        }),
      );
      try {
        while (handedOver < 2 * SLOW_LIMIT) await sleep(50);
        const canceledAt = performance.now();
        controller.abort();
        expect((await download).code).toBe('CANCELED');
        expect(performance.now() - canceledAt, 'milliseconds from the cancel to the end of the download').toBeLessThan(
          CANCEL_WITHIN_MS,
        );
        await downloadFile(remote, path, target, { resume: true });
        expect(sha256(await readFile(target))).toBe(sha256(content));
      } finally {
        controller.abort();
        await remote.close();
        await download.catch(() => undefined);
      }
    },
  );

  it('cancels at once while the disk is behind the throttle, its writes parked', { timeout: 30_000 }, async () => {
    const content = randomBytes(32 * 1024 * 1024 + 11);
    const path = join(folder, 'stuck-disk.bin');
    await writeFile(path, content);
    await chown(path, keyUser.uid, keyUser.gid);
    const target = join(local, 'stuck-disk.bin');
    // File writes go to the thread pool (as after a slow one), and the pool
    // is then held busy: the disk stops taking writes, the file stream
    // fills and pushes back, and the throttle parks the write it passed on.
    localCalls.took(performance.now() - 1000);
    const remote = await openSession({ port: relay.port });
    const controller = new AbortController();
    let handedOver = 0;
    const download = failure(
      downloadFile(remote, path, target, {
        throttle: new Throttle(1024 * 1024 * 1024),
        signal: controller.signal,
        onProgress: (bytes) => {
          handedOver = bytes;
        },
      }),
    );
    let pool: HeldPool | null = null;
    try {
      while (handedOver === 0) await sleep(20);
      pool = await holdThreadPool(local);
      // Until the engine stops for the stuck file stream.
      for (let last = -1; handedOver !== last;) {
        last = handedOver;
        await sleep(300);
      }
      expect(handedOver).toBeLessThan(content.length);
      const canceledAt = performance.now();
      controller.abort();
      const outcome = await Promise.race([
        download.then((error) => error.code),
        sleep(CANCEL_WITHIN_MS).then(() => 'still running'),
      ]);
      expect(outcome).toBe('CANCELED');
      expect(performance.now() - canceledAt).toBeLessThan(CANCEL_WITHIN_MS);
      pool.release();
      pool = null;
      await downloadFile(remote, path, target, { resume: true });
      expect(sha256(await readFile(target))).toBe(sha256(content));
    } finally {
      pool?.release();
      controller.abort();
      await download.catch(() => undefined);
      await remote.close();
    }
  });
});

/** The thread pool held busy, each of its threads in an open() of a FIFO that waits for a writer; `release` opens the writers. */
interface HeldPool {
  release: () => void;
}

async function holdThreadPool(folder: string): Promise<HeldPool> {
  const threads = Number(process.env['UV_THREADPOOL_SIZE'] ?? 4);
  const fifos = Array.from({ length: threads }, (_, index) => join(folder, `hold-${index}.fifo`));
  for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
  const opened = fifos.map((fifo) => open(fifo, 'r'));
  // Long enough for every open to reach a thread and block there.
  await sleep(100);
  return {
    release: () => {
      for (const fifo of fifos) closeSync(openSync(fifo, 'w'));
      void Promise.all(opened).then(async (handles) => {
        for (const handle of handles) await handle.close();
      });
    },
  };
}
