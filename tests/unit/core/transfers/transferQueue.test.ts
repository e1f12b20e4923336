import { createHash, randomBytes } from 'node:crypto';
import { link, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../../../shared/errors.js';
import type { LogKind } from '../../../../electron/core/log/messageLog.js';
import { SessionPool } from '../../../../electron/core/sessions/sessionPool.js';
import type { TransferJob } from '../../../../electron/core/transfers/job.js';
import type { OverwriteAction, OverwriteQuestion } from '../../../../electron/core/transfers/overwrite.js';
import { QueueStore } from '../../../../electron/core/transfers/queueStore.js';
import { TransferQueue, type TransferQueueOptions } from '../../../../electron/core/transfers/transferQueue.js';
import { MemoryServer } from '../memoryFileSystem.js';

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

let folder: string;
let server: MemoryServer;
let pools: SessionPool[];
let logs: { kind: LogKind; text: string }[];

function queueOptions(extra: Partial<TransferQueueOptions> = {}, limit = 2): TransferQueueOptions {
  const pool = new SessionPool({ open: () => Promise.resolve(server.connect()), limit, baseDelayMs: 1 });
  pools.push(pool);
  return {
    sites: { pool: () => pool, atomicUpload: () => true },
    concurrency: 4,
    overwrite: 'overwrite',
    retryBaseMs: 5,
    retryMaxMs: 20,
    log: (kind, text) => logs.push({ kind, text }),
    ...extra,
  };
}

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-queue-'));
  server = new MemoryServer();
  pools = [];
  logs = [];
});

afterEach(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  await rm(folder, { recursive: true, force: true });
});

describe('TransferQueue', () => {
  it('downloads a folder tree level by level, within the site limit, byte-identical', async () => {
    const files = new Map<string, Buffer>();
    for (let i = 0; i < 30; i++) {
      const path = `/site/${i % 3 === 0 ? 'a/deep/' : i % 3 === 1 ? 'b/' : ''}file-${i}.html`;
      const data = randomBytes(100 + i * 37);
      files.set(path, data);
      server.addFile(path, data);
    }
    const queue = await TransferQueue.open(queueOptions({}, 2));
    queue.add([
      { site: 's', direction: 'download', kind: 'folder', remotePath: '/site', localPath: join(folder, 'site') },
    ]);
    await queue.whenIdle();
    for (const [path, data] of files) {
      expect(sha(await readFile(join(folder, path)))).toBe(sha(data));
    }
    expect(server.maxOpen).toBeLessThanOrEqual(2);
    expect(server.maxTransfers).toBeLessThanOrEqual(2);
    expect(queue.failed()).toEqual([]);
    // 30 files + 4 folders (site, a, a/deep, b)
    expect(queue.succeeded()).toHaveLength(34);
    expect(
      queue
        .succeeded()
        .filter((j) => j.kind === 'file')
        .every((j) => j.verified === 'size'),
    ).toBe(true);
    await queue.close();
  });

  it('keeps no notes of changed jobs when nobody listens for them', async () => {
    for (let i = 0; i < 20; i++) server.addFile(`/notes/f${i}.txt`, randomBytes(10));
    const queue = await TransferQueue.open(queueOptions());
    queue.add([
      { site: 's', direction: 'download', kind: 'folder', remotePath: '/notes', localPath: join(folder, 'n') },
    ]);
    await queue.whenIdle();
    expect(queue.succeeded()).toHaveLength(21);
    // The batch for onChange is private; without a listener it must stay empty, or a long run holds every job.
    expect((queue as unknown as { dirty: Map<string, unknown> }).dirty.size).toBe(0);
    await queue.close();
  });

  it('starts a job of another site further down while the first site is at its limit', async () => {
    const other = new MemoryServer();
    for (let i = 0; i < 6; i++) server.addFile(`/a/${i}.bin`, randomBytes(4096));
    other.addFile('/b/x.bin', randomBytes(10));
    // Each of site a's files takes about 80 ms (4 chunks, 20 ms apart), one at a time.
    server.chunkDelayMs = 20;
    const poolA = new SessionPool({ open: () => Promise.resolve(server.connect()), limit: 1 });
    const poolB = new SessionPool({ open: () => Promise.resolve(other.connect()), limit: 1 });
    pools.push(poolA, poolB);
    const queue = await TransferQueue.open({
      ...queueOptions(),
      sites: { pool: (site) => (site === 'a' ? poolA : poolB), atomicUpload: () => true },
    });
    const file = (site: string, path: string) => ({
      site,
      direction: 'download' as const,
      kind: 'file' as const,
      remotePath: path,
      localPath: join(folder, site, path.replace(/\//g, '_')),
    });
    await mkdir(join(folder, 'a'));
    await mkdir(join(folder, 'b'));
    queue.add([...Array.from({ length: 6 }, (_, i) => file('a', `/a/${i}.bin`)), file('b', '/b/x.bin')]);
    const doneOf = (site: string): number => queue.succeeded().filter((job) => job.site === site).length;
    for (let waited = 0; doneOf('b') === 0 && waited < 2000; waited += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(doneOf('b')).toBe(1);
    // b ran beside a's first files, not after the last of them.
    expect(doneOf('a')).toBeLessThanOrEqual(2);
    await queue.whenIdle();
    expect(doneOf('a')).toBe(6);
    // Its count of jobs per site (which lets it stop walking a long queue early) is back to none.
    expect((queue as unknown as { activeSites: Map<string, number> }).activeSites.size).toBe(0);
    await queue.close();
  });

  it('retries a dropped transfer and resumes it from the partial', async () => {
    const data = randomBytes(50_000);
    server.addFile('/big.iso', data);
    server.downloadFaults.push({ afterBytes: 20_480, error: new FerryError('CONNECTION_LOST', 'reset') });
    const queue = await TransferQueue.open(queueOptions());
    queue.add([
      { site: 's', direction: 'download', kind: 'file', remotePath: '/big.iso', localPath: join(folder, 'big.iso') },
    ]);
    await queue.whenIdle();
    expect(sha(await readFile(join(folder, 'big.iso')))).toBe(sha(data));
    expect(server.downloadOffsets).toEqual([0, 20_480]);
    expect(queue.succeeded()[0]?.attempts).toBe(1);
    expect(logs.some((l) => l.text.includes('retrying'))).toBe(true);
    await queue.close();
  });

  it('puts a failure no retry can fix on the failed list with its code, and retries it on request', async () => {
    server.addFile('/x.bin', randomBytes(3000));
    server.downloadFaults.push({ afterBytes: 0, error: new FerryError('PERMISSION_DENIED', '550 Permission denied') });
    const queue = await TransferQueue.open(queueOptions());
    const [job] = queue.add([
      { site: 's', direction: 'download', kind: 'file', remotePath: '/x.bin', localPath: join(folder, 'x.bin') },
    ]);
    await queue.whenIdle();
    expect(queue.failed()).toHaveLength(1);
    expect(queue.failed()[0]?.error?.code).toBe('PERMISSION_DENIED');
    await expect(lstat(join(folder, 'x.bin'))).rejects.toThrow();
    queue.retry(job?.id ?? '');
    await queue.whenIdle();
    expect(queue.failed()).toEqual([]);
    expect((await stat(join(folder, 'x.bin'))).size).toBe(3000);
    await queue.close();
  });

  it('skips hostile names and writes nothing outside the target folder', async () => {
    server.addFile('/evil/good.txt', Buffer.from('good'));
    server.extraNames.set('/evil', ['../escape.txt', 'a/b', 'CON', 'nul.txt', 'bell\u0007', 'trailing.', '..', '.']);
    const target = join(folder, 'inside', 'evil');
    const queue = await TransferQueue.open(queueOptions());
    queue.add([{ site: 's', direction: 'download', kind: 'folder', remotePath: '/evil', localPath: target }]);
    await queue.whenIdle();
    expect(await readdir(target)).toEqual(['good.txt']);
    expect(await readdir(join(folder, 'inside'))).toEqual(['evil']);
    const unsafe = logs.filter((l) => l.text.startsWith('UNSAFE_NAME'));
    expect(unsafe).toHaveLength(6);
    await queue.close();
  });

  it('leaves files named like unfinished transfers (.ferrypart) alone, both ways', async () => {
    // A remote leftover beside the file it would have become: downloading
    // both would put the leftover onto x's own partial and then x's name.
    const x = randomBytes(60_000);
    server.addFile('/tree/x', x);
    server.addFile('/tree/x.ferrypart', randomBytes(5_000));
    const queue = await TransferQueue.open(queueOptions());
    queue.add([
      { site: 's', direction: 'download', kind: 'folder', remotePath: '/tree', localPath: join(folder, 'tree') },
    ]);
    await queue.whenIdle();
    expect(await readdir(join(folder, 'tree'))).toEqual(['x']);
    expect(sha(await readFile(join(folder, 'tree', 'x')))).toBe(sha(x));
    expect(logs.some((l) => l.text.includes('x.ferrypart') && l.text.includes('unfinished transfer'))).toBe(true);

    await writeFile(join(folder, 'tree', 'y.ferrypart'), 'half a download');
    queue.add([{ site: 's', direction: 'upload', kind: 'folder', remotePath: '/up', localPath: join(folder, 'tree') }]);
    await queue.whenIdle();
    expect(queue.failed()).toEqual([]);
    expect(server.files.get('/up/x')?.data.equals(x)).toBe(true);
    expect(server.files.has('/up/y.ferrypart')).toBe(false);
    await queue.close();
  });

  it('asks when a file exists and applies "apply to all" to the files after it', async () => {
    for (const name of ['a.txt', 'b.txt', 'c.txt']) {
      server.addFile(`/d/${name}`, Buffer.from(`new ${name}`));
      await mkdir(join(folder, 'd'), { recursive: true });
      await writeFile(join(folder, 'd', name), 'old');
    }
    const questions: OverwriteQuestion[] = [];
    const queue = await TransferQueue.open(
      queueOptions({
        overwrite: 'ask',
        concurrency: 1,
        ask: (question) => {
          questions.push(question);
          return Promise.resolve({ action: 'skip', applyToAll: true });
        },
      }),
    );
    queue.add([{ site: 's', direction: 'download', kind: 'folder', remotePath: '/d', localPath: join(folder, 'd') }]);
    await queue.whenIdle();
    expect(questions).toHaveLength(1);
    expect(questions[0]?.existing.size).toBe(3);
    for (const name of ['a.txt', 'b.txt', 'c.txt']) expect(await readFile(join(folder, 'd', name), 'utf8')).toBe('old');
    expect(queue.succeeded().filter((j) => j.state === 'skipped')).toHaveLength(3);

    // The answer covered that run of the queue only: the next download asks again.
    queue.add([
      { site: 's', direction: 'download', kind: 'file', remotePath: '/d/a.txt', localPath: join(folder, 'd', 'a.txt') },
    ]);
    await queue.whenIdle();
    expect(questions).toHaveLength(2);
    expect(questions[1]?.target).toBe(join(folder, 'd', 'a.txt'));
    await queue.close();
  });

  it('keeps a file that appeared under the download’s name meanwhile, and asks about it on a retry', async () => {
    const data = randomBytes(5000);
    server.addFile('/notes.txt', data);
    const target = join(folder, 'notes.txt');
    server.beforeDownload = () => writeFile(target, 'written meanwhile');
    const questions: OverwriteQuestion[] = [];
    const queue = await TransferQueue.open(
      queueOptions({
        overwrite: 'ask',
        ask: (question) => {
          questions.push(question);
          return Promise.resolve({ action: 'overwrite', applyToAll: false });
        },
      }),
    );
    const [job] = queue.add([
      { site: 's', direction: 'download', kind: 'file', remotePath: '/notes.txt', localPath: target },
    ]);
    await queue.whenIdle();
    expect(queue.failed()[0]?.error?.code).toBe('ALREADY_EXISTS');
    expect(await readFile(target, 'utf8')).toBe('written meanwhile');
    expect(questions).toEqual([]);

    server.beforeDownload = null;
    queue.retry(job?.id ?? '');
    await queue.whenIdle();
    expect(questions).toHaveLength(1);
    expect(sha(await readFile(target))).toBe(sha(data));
    expect(await readdir(folder)).toEqual(['notes.txt']);
    // The retry finished the complete partial instead of fetching the file again.
    expect(server.downloadOffsets).toEqual([0]);
    await queue.close();
  });

  it.each<[OverwriteAction, string[]]>([
    ['rename', ['notes (1).txt', 'notes.txt']],
    ['skip', ['notes.txt']],
  ])(
    'leaves no partial behind when a file that appeared meanwhile is answered "%s" on a retry',
    async (action, names) => {
      const data = randomBytes(5000);
      server.addFile('/notes.txt', data);
      const target = join(folder, 'notes.txt');
      server.beforeDownload = () => writeFile(target, 'written meanwhile');
      const queue = await TransferQueue.open(
        queueOptions({ overwrite: 'ask', ask: () => Promise.resolve({ action, applyToAll: false }) }),
      );
      const [job] = queue.add([
        { site: 's', direction: 'download', kind: 'file', remotePath: '/notes.txt', localPath: target },
      ]);
      await queue.whenIdle();
      expect(queue.failed()[0]?.error?.code).toBe('ALREADY_EXISTS');

      server.beforeDownload = null;
      queue.retry(job?.id ?? '');
      await queue.whenIdle();
      expect(queue.failed()).toEqual([]);
      expect((await readdir(folder)).sort()).toEqual(names);
      expect(await readFile(target, 'utf8')).toBe('written meanwhile');
      if (action === 'rename') expect(sha(await readFile(join(folder, 'notes (1).txt')))).toBe(sha(data));
      // The renamed download finished the complete partial instead of fetching the file again.
      expect(server.downloadOffsets).toEqual([0]);
      await queue.close();
    },
  );

  it('drops the partial of a file that changed since, when a retry renames the download', async () => {
    server.addFile('/notes.txt', randomBytes(5000), Date.parse('2024-01-01T00:00:00Z'));
    const target = join(folder, 'notes.txt');
    server.beforeDownload = () => writeFile(target, 'written meanwhile');
    const queue = await TransferQueue.open(
      queueOptions({ overwrite: 'ask', ask: () => Promise.resolve({ action: 'rename', applyToAll: false }) }),
    );
    const [job] = queue.add([
      { site: 's', direction: 'download', kind: 'file', remotePath: '/notes.txt', localPath: target },
    ]);
    await queue.whenIdle();
    expect(queue.failed()[0]?.error?.code).toBe('ALREADY_EXISTS');

    server.beforeDownload = null;
    const changed = randomBytes(6000);
    server.addFile('/notes.txt', changed, Date.parse('2024-02-01T00:00:00Z'));
    queue.retry(job?.id ?? '');
    await queue.whenIdle();
    expect((await readdir(folder)).sort()).toEqual(['notes (1).txt', 'notes.txt']);
    expect(sha(await readFile(join(folder, 'notes (1).txt')))).toBe(sha(changed));
    expect(server.downloadOffsets).toEqual([0, 0]);
    await queue.close();
  });

  it('keeps a file made under the name a "resume" freed by taking the old copy as its partial', async () => {
    const data = randomBytes(5000);
    server.addFile('/notes.txt', data);
    const target = join(folder, 'notes.txt');
    await writeFile(target, data.subarray(0, 2000));
    server.beforeDownload = () => writeFile(target, 'written meanwhile');
    const queue = await TransferQueue.open(
      queueOptions({ overwrite: 'ask', ask: () => Promise.resolve({ action: 'resume', applyToAll: false }) }),
    );
    queue.add([{ site: 's', direction: 'download', kind: 'file', remotePath: '/notes.txt', localPath: target }]);
    await queue.whenIdle();
    expect(queue.failed()[0]?.error?.code).toBe('ALREADY_EXISTS');
    expect(await readFile(target, 'utf8')).toBe('written meanwhile');
    expect(sha(await readFile(`${target}.ferrypart`))).toBe(sha(data));
    expect(server.downloadOffsets).toEqual([2000]);
    await queue.close();
  });

  it('counts a copy of the same file that appeared meanwhile as done (its own, from before a crash)', async () => {
    const data = randomBytes(5000);
    server.addFile('/notes.txt', data);
    const modified = server.files.get('/notes.txt')?.modified ?? 0;
    const target = join(folder, 'notes.txt');
    server.beforeDownload = async () => {
      await writeFile(target, data);
      await utimes(target, new Date(modified), new Date(modified));
    };
    const queue = await TransferQueue.open(
      queueOptions({ overwrite: 'ask', ask: () => Promise.reject(new Error('asked')) }),
    );
    queue.add([{ site: 's', direction: 'download', kind: 'file', remotePath: '/notes.txt', localPath: target }]);
    await queue.whenIdle();
    expect(queue.failed()).toEqual([]);
    expect(await readdir(folder)).toEqual(['notes.txt']);
    await queue.close();
  });

  it('renames to "name (1).ext", and overwrites only when sizes differ when told so', async () => {
    server.addFile('/r/image.iso', Buffer.from('1234'));
    server.addFile('/r/same.txt', Buffer.from('abc'));
    await mkdir(join(folder, 'r'));
    await writeFile(join(folder, 'r', 'image.iso'), 'old');
    await writeFile(join(folder, 'r', 'same.txt'), 'xyz');
    const renaming = await TransferQueue.open(queueOptions({ overwrite: 'rename' }));
    renaming.add([
      {
        site: 's',
        direction: 'download',
        kind: 'file',
        remotePath: '/r/image.iso',
        localPath: join(folder, 'r', 'image.iso'),
      },
    ]);
    await renaming.whenIdle();
    expect(await readFile(join(folder, 'r', 'image (1).iso'), 'utf8')).toBe('1234');
    expect(await readFile(join(folder, 'r', 'image.iso'), 'utf8')).toBe('old');
    await renaming.close();

    const bySize = await TransferQueue.open(queueOptions({ overwrite: 'overwriteIfSizeDiffers' }));
    bySize.add([
      {
        site: 's',
        direction: 'download',
        kind: 'file',
        remotePath: '/r/same.txt',
        localPath: join(folder, 'r', 'same.txt'),
      },
      {
        site: 's',
        direction: 'download',
        kind: 'file',
        remotePath: '/r/image.iso',
        localPath: join(folder, 'r', 'image.iso'),
      },
    ]);
    await bySize.whenIdle();
    expect(await readFile(join(folder, 'r', 'same.txt'), 'utf8')).toBe('xyz');
    expect(await readFile(join(folder, 'r', 'image.iso'), 'utf8')).toBe('1234');
    await bySize.close();
  });

  it('checks a user-given hash and keeps the partial when it does not match', async () => {
    const data = randomBytes(4096);
    server.addFile('/fw/router.bin', data);
    const queue = await TransferQueue.open(queueOptions());
    const target = join(folder, 'router.bin');
    queue.add([
      {
        site: 's',
        direction: 'download',
        kind: 'file',
        remotePath: '/fw/router.bin',
        localPath: target,
        expectedHash: `sha256:${'0'.repeat(64)}`,
      },
    ]);
    await queue.whenIdle();
    const [failed] = queue.failed();
    expect(failed?.error?.code).toBe('VERIFY_FAILED');
    expect(failed?.error?.details).toMatchObject({ algorithm: 'sha256', expected: '0'.repeat(64), actual: sha(data) });
    await expect(lstat(target)).rejects.toThrow();
    expect((await stat(`${target}.ferrypart`)).size).toBe(4096);

    queue.add([
      {
        site: 's',
        direction: 'download',
        kind: 'file',
        remotePath: '/fw/router.bin',
        localPath: target,
        expectedHash: `SHA-256:${sha(data).toUpperCase()}`,
      },
    ]);
    await queue.whenIdle();
    expect(queue.succeeded()[0]?.verified).toBe('sha256');
    await queue.close();
  });

  it('verifies with the strongest hash the server offers, and catches a mismatch', async () => {
    server.hashes = ['md5', 'sha256', 'sha1'];
    server.addFile('/h/a.bin', randomBytes(2000));
    const queue = await TransferQueue.open(queueOptions());
    queue.add([
      { site: 's', direction: 'download', kind: 'file', remotePath: '/h/a.bin', localPath: join(folder, 'a.bin') },
    ]);
    await queue.whenIdle();
    expect(queue.succeeded()[0]?.verified).toBe('sha256');

    server.lieAboutHash = true;
    queue.add([
      { site: 's', direction: 'download', kind: 'file', remotePath: '/h/a.bin', localPath: join(folder, 'b.bin') },
    ]);
    await queue.whenIdle();
    expect(queue.failed()[0]?.error?.code).toBe('VERIFY_FAILED');
    await expect(lstat(join(folder, 'b.bin'))).rejects.toThrow();
    await queue.close();
  });

  it('continues a partial an earlier canceled download left, when a hash checks the result', async () => {
    const data = randomBytes(50_000);
    server.addFile('/h/left.bin', data);
    const target = join(folder, 'left.bin');
    const download = {
      site: 's',
      direction: 'download',
      kind: 'file',
      remotePath: '/h/left.bin',
      localPath: target,
    } as const;

    // Size only: the partial cannot be trusted to belong to this file, so it starts over.
    await writeFile(`${target}.ferrypart`, data.subarray(0, 20_000));
    const sizeOnly = await TransferQueue.open(queueOptions());
    sizeOnly.add([download]);
    await sizeOnly.whenIdle();
    expect(server.downloadOffsets).toEqual([0]);
    await sizeOnly.close();

    // With the server's hash, it continues; a partial of other bytes fails the hash and is fetched again.
    server.hashes = ['sha256'];
    for (const [leftover, offsets] of [
      [data.subarray(0, 20_000), [20_000]],
      [randomBytes(20_000), [20_000, 0]],
    ] as const) {
      await rm(target);
      await writeFile(`${target}.ferrypart`, leftover);
      server.downloadOffsets.length = 0;
      const hashed = await TransferQueue.open(queueOptions());
      hashed.add([download]);
      await hashed.whenIdle();
      expect(server.downloadOffsets).toEqual(offsets);
      expect(sha(await readFile(target))).toBe(sha(data));
      expect(hashed.succeeded()[0]?.verified).toBe('sha256');
      await hashed.close();
    }
  });

  it('uploads a folder through temporary names that are renamed into place', async () => {
    await mkdir(join(folder, 'www', 'css'), { recursive: true });
    await writeFile(join(folder, 'www', 'index.html'), '<h1>hi</h1>');
    await writeFile(join(folder, 'www', 'css', 'site.css'), 'body{}');
    server.folders.add('/remote');
    const queue = await TransferQueue.open(queueOptions());
    queue.add([
      { site: 's', direction: 'upload', kind: 'folder', remotePath: '/remote/www', localPath: join(folder, 'www') },
    ]);
    await queue.whenIdle();
    expect(server.files.get('/remote/www/index.html')?.data.toString()).toBe('<h1>hi</h1>');
    expect(server.files.get('/remote/www/css/site.css')?.data.toString()).toBe('body{}');
    expect([...server.files.keys()].some((path) => path.endsWith('.ferrypart'))).toBe(false);
    await queue.close();
  });

  it('pauses and resumes a running transfer, resuming from where it stopped', async () => {
    const data = randomBytes(64 * 1024);
    server.addFile('/slow.bin', data);
    server.chunkDelayMs = 2;
    const queue = await TransferQueue.open(queueOptions());
    const [job] = queue.add([
      { site: 's', direction: 'download', kind: 'file', remotePath: '/slow.bin', localPath: join(folder, 'slow.bin') },
    ]);
    const id = job?.id ?? '';
    await new Promise((resolve) => setTimeout(resolve, 40));
    queue.pause(id);
    await queue.whenIdle();
    const paused = queue.list().find((j) => j.id === id);
    expect(paused?.state).toBe('paused');
    server.chunkDelayMs = 0;
    queue.resume(id);
    await queue.whenIdle();
    expect(sha(await readFile(join(folder, 'slow.bin')))).toBe(sha(data));
    expect(server.downloadOffsets[1]).toBeGreaterThan(0);
    await queue.close();
  });

  it('resumes a paused download whose listing gave minutes where the server now gives seconds', async () => {
    const data = randomBytes(64 * 1024);
    const modified = Date.parse('2026-11-22T11:36:48Z');
    server.addFile('/listed.bin', data, modified);
    server.chunkDelayMs = 2;
    const queue = await TransferQueue.open(queueOptions());
    const [job] = queue.add([
      {
        site: 's',
        direction: 'download',
        kind: 'file',
        remotePath: '/listed.bin',
        localPath: join(folder, 'listed.bin'),
        // As FTP's LIST shows it: "Nov 22 11:36".
        listedSource: { size: data.length, modified: Date.parse('2026-11-22T11:36:00Z') },
        listedDestination: null,
      },
    ]);
    const id = job?.id ?? '';
    await new Promise((resolve) => setTimeout(resolve, 40));
    queue.pause(id);
    await queue.whenIdle();
    server.chunkDelayMs = 0;
    queue.resume(id);
    await queue.whenIdle();
    expect(sha(await readFile(join(folder, 'listed.bin')))).toBe(sha(data));
    expect(server.downloadOffsets[1]).toBeGreaterThan(0);
    await queue.close();
  });

  it('continues its own paused upload written under the final name, without asking about it', async () => {
    const data = randomBytes(64 * 1024);
    await writeFile(join(folder, 'paused-up.bin'), data);
    server.chunkDelayMs = 2;
    const questions: OverwriteQuestion[] = [];
    const options = queueOptions({
      overwrite: 'ask',
      ask: (question) => {
        questions.push(question);
        return Promise.resolve({ action: 'skip', applyToAll: false });
      },
    });
    // Without temporary names (as for FTP): the upload writes the remote file itself.
    const queue = await TransferQueue.open({ ...options, sites: { ...options.sites, atomicUpload: () => false } });
    const [job] = queue.add([
      {
        site: 's',
        direction: 'upload',
        kind: 'file',
        remotePath: '/paused-up.bin',
        localPath: join(folder, 'paused-up.bin'),
      },
    ]);
    const id = job?.id ?? '';
    await new Promise((resolve) => setTimeout(resolve, 40));
    queue.pause(id);
    await queue.whenIdle();
    const sent = server.files.get('/paused-up.bin')?.data.length ?? 0;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(data.length);
    server.chunkDelayMs = 0;
    queue.resume(id);
    await queue.whenIdle();
    expect(questions).toEqual([]);
    expect(queue.succeeded().map((done) => done.state)).toEqual(['done']);
    expect(server.files.get('/paused-up.bin')?.data.equals(data)).toBe(true);
    await queue.close();
  });

  it('continues the existing file when told to resume an upload, even where uploads use temporary names', async () => {
    const data = randomBytes(64 * 1024);
    await writeFile(join(folder, 'half.bin'), data);
    server.addFile('/half.bin', data.subarray(0, 20_000));
    const queue = await TransferQueue.open(
      queueOptions({ overwrite: 'ask', ask: () => Promise.resolve({ action: 'resume', applyToAll: false }) }),
    );
    queue.add([
      { site: 's', direction: 'upload', kind: 'file', remotePath: '/half.bin', localPath: join(folder, 'half.bin') },
    ]);
    await queue.whenIdle();
    expect(queue.failed()).toEqual([]);
    expect(server.uploadOffsets).toEqual([20_000]);
    expect(server.files.get('/half.bin')?.data.equals(data)).toBe(true);
    expect(server.files.has('/half.bin.ferrypart')).toBe(false);
    await queue.close();
  });

  it('takes jobs off the failed list one at a time or all at once, and keeps that after a restart', async () => {
    const store = join(folder, 'queue.json');
    const options = queueOptions({ store: new QueueStore(store) });
    const queue = await TransferQueue.open(options);
    queue.add(
      ['a', 'b', 'c'].map((name) => ({
        site: 's',
        direction: 'download' as const,
        kind: 'file' as const,
        remotePath: `/missing-${name}`,
        localPath: join(folder, name),
      })),
    );
    await queue.whenIdle();
    expect(queue.failed().map((job) => job.error?.code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    const [first] = queue.failed();
    queue.removeFailed(first?.id ?? '');
    expect(queue.failed()).toHaveLength(2);
    expect(() => queue.removeFailed(first?.id ?? '')).toThrow(/no longer on the failed list/);
    await queue.close();

    // The owner hears of the emptied list (its totals go out with the batch), though no job changed.
    let heard = 0;
    const again = await TransferQueue.open(
      queueOptions({ store: new QueueStore(store), onChange: () => heard++, progressIntervalMs: 5 }),
    );
    expect(again.failed()).toHaveLength(2);
    again.clearFailed();
    await expect.poll(() => heard).toBeGreaterThan(0);
    await again.close();
    const third = await TransferQueue.open(queueOptions({ store: new QueueStore(store) }));
    expect(third.failed()).toEqual([]);
    await third.close();
  });

  it('tells its owner of each job as it leaves: canceled while waiting, failed, and again after a retry', async () => {
    server.addFile('/left/slow.bin', randomBytes(8 * 1024));
    server.addFile('/left/waiting.bin', randomBytes(10));
    server.addFile('/left/refused.bin', randomBytes(10));
    server.chunkDelayMs = 30;
    const finished: string[] = [];
    const queue = await TransferQueue.open(
      queueOptions({ concurrency: 1, onFinished: (job) => finished.push(`${job.remotePath} ${job.state}`) }, 1),
    );
    const file = (name: string) => ({
      site: 's',
      direction: 'download' as const,
      kind: 'file' as const,
      remotePath: `/left/${name}`,
      localPath: join(folder, name),
    });
    const [, waiting] = queue.add([file('slow.bin'), file('waiting.bin')]);
    queue.cancel(waiting?.id ?? '');
    expect(finished).toEqual(['/left/waiting.bin canceled']);
    // Closing pauses the running job for next time: it has not left the queue.
    await queue.close();
    expect(finished).toEqual(['/left/waiting.bin canceled']);

    server.chunkDelayMs = 0;
    server.downloadFaults.push({ afterBytes: 0, error: new FerryError('PERMISSION_DENIED', '550 Permission denied') });
    const again = await TransferQueue.open(
      queueOptions({ onFinished: (job) => finished.push(`${job.remotePath} ${job.state}`) }),
    );
    const [refused] = again.add([file('refused.bin')]);
    await again.whenIdle();
    again.retry(refused?.id ?? '');
    await again.whenIdle();
    expect(finished.slice(1)).toEqual(['/left/refused.bin failed', '/left/refused.bin done']);
    await again.close();
  });

  it('finishes a job once even when the listener for finished jobs throws, and logs the failure', async () => {
    server.addFile('/throw/a.txt', Buffer.from('a'));
    let calls = 0;
    const queue = await TransferQueue.open(
      queueOptions({
        onFinished: () => {
          calls += 1;
          throw new Error('listener broke');
        },
      }),
    );
    queue.add([
      { site: 's', direction: 'download', kind: 'file', remotePath: '/throw/a.txt', localPath: join(folder, 'a.txt') },
    ]);
    await queue.whenIdle();
    expect(calls).toBe(1);
    expect(queue.succeeded().map((job) => job.state)).toEqual(['done']);
    expect(queue.failed()).toEqual([]);
    expect(logs.some((log) => log.kind === 'error' && log.text.includes('listener broke'))).toBe(true);
    await queue.close();
  });

  it('saves new transfers at once, not a moment later, so a crash right after adding keeps them', async () => {
    server.addFile('/now/one.bin', randomBytes(1024));
    server.chunkDelayMs = 50;
    const store = new QueueStore(join(folder, 'queue.json'));
    const queue = await TransferQueue.open(queueOptions({ store, concurrency: 1 }));
    const saves: number[] = [];
    const save = store.save.bind(store);
    store.save = (jobs) => {
      saves.push(jobs.length);
      return save(jobs);
    };
    queue.add([
      {
        site: 's',
        direction: 'download',
        kind: 'file',
        remotePath: '/now/one.bin',
        localPath: join(folder, 'one.bin'),
      },
    ]);
    expect(saves).toEqual([1]);
    await queue.close();
  });

  it('lets two jobs for one local file take turns, so the file is one of them whole', async () => {
    const first = randomBytes(40_000);
    const second = randomBytes(10_000);
    server.addFile('/v1/r', first);
    server.addFile('/v2/r', second);
    server.chunkDelayMs = 2;
    const queue = await TransferQueue.open(queueOptions({}, 4));
    const target = join(folder, 'r');
    queue.add([
      { site: 's', direction: 'download', kind: 'file', remotePath: '/v1/r', localPath: target },
      { site: 's', direction: 'download', kind: 'file', remotePath: '/v2/r', localPath: target },
    ]);
    await queue.whenIdle();
    expect(queue.failed()).toEqual([]);
    // The second ran after the first and, with the policy "overwrite", replaced it.
    expect(sha(await readFile(target))).toBe(sha(second));
    expect(await readdir(folder)).toEqual(['r']);
    await queue.close();
  });

  it('keeps the local file when "resume" cannot continue it and the transfer fails', async () => {
    // The local copy is longer than the remote file: not a beginning of it.
    const local = randomBytes(50_000);
    const remote = randomBytes(10_000);
    await writeFile(join(folder, 'r'), local);
    server.addFile('/r', remote);
    server.downloadFaults.push({ afterBytes: 4096, error: new FerryError('CONNECTION_LOST', 'reset') });
    const queue = await TransferQueue.open(
      queueOptions({ overwrite: 'resume', retryBaseMs: 10_000, retryMaxMs: 10_000 }),
    );
    queue.add([{ site: 's', direction: 'download', kind: 'file', remotePath: '/r', localPath: join(folder, 'r') }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sha(await readFile(join(folder, 'r')))).toBe(sha(local));
    queue.cancelAll();
    await queue.close();
  });

  it('replaces, not appends to, a remote file when a restored upload is told to overwrite', async () => {
    const data = randomBytes(30_000);
    await writeFile(join(folder, 'up.bin'), data);
    const store = new QueueStore(join(folder, 'queue.json'));
    const first = await TransferQueue.open(queueOptions({ store }));
    first.pauseAll();
    first.add([
      { site: 's', direction: 'upload', kind: 'file', remotePath: '/up.bin', localPath: join(folder, 'up.bin') },
    ]);
    await first.close();
    // Before the restart the server gained an older, shorter file of that name.
    server.addFile('/up.bin', randomBytes(8_000));
    // Without temporary names (as for FTP): the upload writes the remote file itself.
    const options = queueOptions({ store });
    const second = await TransferQueue.open({ ...options, sites: { ...options.sites, atomicUpload: () => false } });
    second.resumeAll();
    await second.whenIdle();
    expect(second.failed()).toEqual([]);
    expect(server.files.get('/up.bin')?.data.equals(data)).toBe(true);
    await second.close();
  });

  it('closes while jobs wait for an overwrite answer, and keeps them to ask again next time', async () => {
    for (const name of ['a.txt', 'b.txt']) {
      server.addFile(`/q/${name}`, Buffer.from(`new ${name}`));
      await writeFile(join(folder, name), 'old');
    }
    const store = new QueueStore(join(folder, 'queue.json'));
    let asked = 0;
    const queue = await TransferQueue.open(
      queueOptions({
        store,
        overwrite: 'ask',
        // Nobody ever answers (the window is gone).
        ask: () => {
          asked++;
          return new Promise(() => undefined);
        },
      }),
    );
    queue.add(
      ['a.txt', 'b.txt'].map((name) => ({
        site: 's',
        direction: 'download' as const,
        kind: 'file' as const,
        remotePath: `/q/${name}`,
        localPath: join(folder, name),
      })),
    );
    await expect.poll(() => asked).toBe(1);
    await queue.close();
    const saved = JSON.parse(await readFile(join(folder, 'queue.json'), 'utf8')) as { jobs: TransferJob[] };
    expect(saved.jobs.map((job) => job.state)).toEqual(['queued', 'queued']);
    expect(await readFile(join(folder, 'a.txt'), 'utf8')).toBe('old');
  });

  it('continues its own cut-short upload on a retry instead of skipping it as an existing file', async () => {
    const data = randomBytes(50_000);
    await writeFile(join(folder, 'up.bin'), data);
    server.uploadFaults.push({ afterBytes: 10_000, error: new FerryError('CONNECTION_LOST', 'reset') });
    const options = queueOptions({ overwrite: 'skip' });
    // Without temporary names (as for FTP): the upload writes the remote file itself.
    const queue = await TransferQueue.open({ ...options, sites: { ...options.sites, atomicUpload: () => false } });
    queue.add([
      { site: 's', direction: 'upload', kind: 'file', remotePath: '/up.bin', localPath: join(folder, 'up.bin') },
    ]);
    await queue.whenIdle();
    expect(queue.failed()).toEqual([]);
    expect(queue.succeeded().map((job) => job.state)).toEqual(['done']);
    expect(server.files.get('/up.bin')?.data.equals(data)).toBe(true);
    await queue.close();
  });

  it('carries on after a restart from its saved state', async () => {
    const data = randomBytes(64 * 1024);
    server.addFile('/keep/one.bin', data);
    server.addFile('/keep/two.bin', data);
    server.chunkDelayMs = 2;
    const store = new QueueStore(join(folder, 'queue.json'));
    const first = await TransferQueue.open(queueOptions({ store, concurrency: 1 }));
    first.add([
      { site: 's', direction: 'download', kind: 'folder', remotePath: '/keep', localPath: join(folder, 'keep') },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await first.close();
    const saved = JSON.parse(await readFile(join(folder, 'queue.json'), 'utf8')) as { jobs: TransferJob[] };
    expect(saved.jobs.some((j) => j.state === 'queued')).toBe(true);

    server.chunkDelayMs = 0;
    const second = await TransferQueue.open(queueOptions({ store, concurrency: 1 }));
    await second.whenIdle();
    expect(sha(await readFile(join(folder, 'keep', 'one.bin')))).toBe(sha(data));
    expect(sha(await readFile(join(folder, 'keep', 'two.bin')))).toBe(sha(data));
    expect(server.downloadOffsets.filter((offset) => offset > 0).length).toBeGreaterThan(0);
    await second.close();
  });

  it('reports changes in batches, not one message per chunk', async () => {
    server.addFile('/p.bin', randomBytes(200 * 1024));
    server.chunkDelayMs = 1;
    const batches: TransferJob[][] = [];
    const queue = await TransferQueue.open(
      queueOptions({ onChange: (jobs) => batches.push(jobs), progressIntervalMs: 50 }),
    );
    queue.add([
      { site: 's', direction: 'download', kind: 'file', remotePath: '/p.bin', localPath: join(folder, 'p.bin') },
    ]);
    await queue.whenIdle();
    await queue.close();
    const chunks = 200;
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.length).toBeLessThan(chunks / 2);
    expect(batches.at(-1)?.at(-1)?.state).toBe('done');
  });
});

describe('TransferQueue telling the window with nothing running', () => {
  it('reports a paused job paused and then canceled, though no transfer runs', async () => {
    server.addFile('/idle.bin', Buffer.from('idle'));
    const batches: TransferJob[][] = [];
    const queue = await TransferQueue.open(
      queueOptions({ onChange: (jobs) => batches.push(jobs), progressIntervalMs: 20 }),
    );
    queue.pauseAll();
    queue.add([
      { site: 's', direction: 'download', kind: 'file', remotePath: '/idle.bin', localPath: join(folder, 'idle.bin') },
    ]);
    const [job] = queue.list();
    if (!job) throw new Error('the job was not queued');
    queue.pause(job.id);
    /** The state the window was last told for the job. */
    const lastReported = (): string | undefined =>
      batches
        .flat()
        .filter((seen) => seen.id === job.id)
        .at(-1)?.state;
    await expect.poll(lastReported).toBe('paused');
    queue.cancel(job.id);
    await expect.poll(lastReported).toBe('canceled');
    await queue.close();
  });
});

describe('TransferQueue after a restart', () => {
  it('does not queue a folder’s files twice when the folder expands again', async () => {
    server.addFile('/again/a.txt', Buffer.from('a'));
    server.addFile('/again/b.txt', Buffer.from('b'));
    const store = new QueueStore(join(folder, 'queue.json'));
    const target = join(folder, 'again');
    const base = { site: 's', direction: 'download' as const, size: null, transferred: 0, attempts: 0, added: 1 };
    await writeFile(
      store.path,
      JSON.stringify({
        version: 1,
        jobs: [
          { ...base, id: 'folder', kind: 'folder', remotePath: '/again', localPath: target, state: 'running' },
          {
            ...base,
            id: 'a',
            kind: 'file',
            remotePath: '/again/a.txt',
            localPath: join(target, 'a.txt'),
            state: 'queued',
            parent: 'folder',
          },
        ],
      }),
    );
    const queue = await TransferQueue.open(queueOptions({ store }));
    await queue.whenIdle();
    const files = queue.succeeded().filter((job) => job.kind === 'file');
    expect(files.map((job) => job.remotePath).sort()).toEqual(['/again/a.txt', '/again/b.txt']);
    expect(await readFile(join(target, 'a.txt'), 'utf8')).toBe('a');
    await queue.close();
  });

  it('does not resume another job’s partial for a restored file job that never began', async () => {
    // A canceled download of an older build.zip left its partial behind;
    // the job for the new one was saved before it ever ran.
    const current = randomBytes(50_000);
    server.addFile('/build.zip', current);
    const target = join(folder, 'build.zip');
    await writeFile(`${target}.ferrypart`, randomBytes(20_000));
    const store = new QueueStore(join(folder, 'queue.json'));
    const job = {
      id: 'new-build',
      site: 's',
      direction: 'download',
      kind: 'file',
      remotePath: '/build.zip',
      localPath: target,
      size: null,
      transferred: 0,
      state: 'queued',
      attempts: 0,
      added: 1,
    };
    await writeFile(store.path, JSON.stringify({ version: 1, jobs: [job] }));
    const queue = await TransferQueue.open(queueOptions({ store }));
    await queue.whenIdle();
    expect(queue.failed()).toEqual([]);
    expect(sha(await readFile(target))).toBe(sha(current));
    await queue.close();
  });

  it('removes a partial left as a second name of a file it finished before a crash', async () => {
    // The crash came between link(partial, name) and unlink(partial).
    const data = randomBytes(5000);
    const modified = Date.parse('2024-05-06T07:08:09Z');
    server.addFile('/linked.bin', data, modified);
    const target = join(folder, 'out', 'linked.bin');
    await mkdir(join(folder, 'out'));
    await writeFile(target, data);
    await utimes(target, new Date(modified), new Date(modified));
    await link(target, `${target}.ferrypart`);
    const store = new QueueStore(join(folder, 'queue.json'));
    const job = {
      id: 'linked',
      site: 's',
      direction: 'download',
      kind: 'file',
      remotePath: '/linked.bin',
      localPath: target,
      size: data.length,
      transferred: data.length,
      state: 'running',
      attempts: 0,
      added: 1,
      sourceSize: data.length,
      sourceModified: modified,
    };
    await writeFile(store.path, JSON.stringify({ version: 1, jobs: [job] }));
    const queue = await TransferQueue.open(queueOptions({ store }));
    await queue.whenIdle();
    expect(queue.succeeded().map((done) => done.state)).toEqual(['done']);
    expect(await readdir(join(folder, 'out'))).toEqual(['linked.bin']);
    expect(sha(await readFile(target))).toBe(sha(data));
    expect(server.downloadOffsets).toEqual([]);
    await queue.close();
  });

  it('recognises files it finished before the crash when no save recorded them', async () => {
    const modified = Date.parse('2024-05-06T07:08:09Z');
    server.addFile('/done/a.txt', Buffer.from('aaa'), modified);
    server.addFile('/done/b.txt', Buffer.from('bbb'), modified);
    const target = join(folder, 'done');
    // a.txt arrived (with the server's time, as Ferry leaves it) after the last save.
    await mkdir(target);
    await writeFile(join(target, 'a.txt'), 'aaa');
    await utimes(join(target, 'a.txt'), new Date(modified), new Date(modified));
    const store = new QueueStore(join(folder, 'queue.json'));
    const base = { site: 's', direction: 'download' as const, size: null, transferred: 0, attempts: 0, added: 1 };
    await writeFile(
      store.path,
      JSON.stringify({
        version: 1,
        jobs: [{ ...base, id: 'folder', kind: 'folder', remotePath: '/done', localPath: target, state: 'running' }],
      }),
    );
    const questions: OverwriteQuestion[] = [];
    const queue = await TransferQueue.open(
      queueOptions({
        store,
        overwrite: 'ask',
        ask: (question) => {
          questions.push(question);
          return Promise.resolve({ action: 'skip', applyToAll: false });
        },
      }),
    );
    await queue.whenIdle();
    expect(questions).toEqual([]);
    expect(queue.failed()).toEqual([]);
    expect(await readFile(join(target, 'b.txt'), 'utf8')).toBe('bbb');
    await queue.close();
  });
});
