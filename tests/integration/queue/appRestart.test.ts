import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Envelope } from '../../../shared/contract.js';
import type { TransferJob } from '../../../shared/transfers.js';
import { servers, tempFolder, treeHashes, user } from './queueFixtures.js';

// The app is killed (SIGKILL, no chance to save) in the middle of a queue
// and started again: the saved queue comes back, waits for the site to be
// connected again, and finishes every file byte-identical.
const FILES = 400;
let local: string;
const remoteFolder = join(user.home, 'queue-app-restart');

interface App {
  process: ChildProcess;
  call: (channel: string, ...args: unknown[]) => Promise<unknown>;
  changes: TransferJob[][];
  /** "File exists" questions: none should come, the files are Ferry's own. */
  questions: unknown[];
}

/** Every app this file started, so none outlives a failed or timed-out test. */
const started: ChildProcess[] = [];

async function startApp(home: string): Promise<App> {
  const child = spawn(process.execPath, ['out/main/web.js'], {
    env: { ...process.env, FERRY_HOME: home, FERRY_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  const url = await new Promise<URL>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${String(code)}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /running at (\S+)$/.exec(line);
      if (match?.[1]) resolve(new URL(match[1]));
    });
  });
  const socket = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token') ?? ''}`, {
    headers: { Origin: `http://${url.host}` },
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const pending = new Map<number, (envelope: Envelope) => void>();
  const changes: TransferJob[][] = [];
  const questions: unknown[] = [];
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as
      { type: 'result'; id: number; envelope: Envelope } | { type: 'event'; channel: string; payload: unknown };
    if (message.type === 'result') pending.get(message.id)?.(message.envelope);
    else if (message.channel === 'transfers.changed') changes.push(message.payload as TransferJob[]);
    else if (message.channel === 'transfers.question') {
      // Answer rather than hang; the test then reports that a question came.
      questions.push(message.payload);
      const { id } = message.payload as { id: number };
      socket.send(
        JSON.stringify({
          id: 1_000_000 + id,
          channel: 'transfers.answer',
          args: [id, { action: 'overwrite', applyToAll: false }],
        }),
      );
    }
  });
  let nextId = 1;
  const call = async (channel: string, ...args: unknown[]): Promise<unknown> => {
    const id = nextId++;
    const envelope = await new Promise<Envelope>((resolve) => {
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, channel, args }));
    });
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`);
    return envelope.value;
  };
  return { process: child, call, changes, questions };
}

function connectRequest(): unknown {
  return {
    url: `sftp://${user.name}@${servers.host}:${servers.sftp.port}`,
    password: user.password,
    trustFingerprint: servers.sftp.hostKeyFingerprint,
    limit: 2,
  };
}

beforeAll(async () => {
  local = await tempFolder('app-restart');
  await mkdir(remoteFolder, { recursive: true });
  for (let i = 0; i < FILES; i++) {
    await writeFile(join(remoteFolder, `part-${String(i).padStart(3, '0')}.bin`), Buffer.alloc(64 * 1024, i % 251));
  }
  await chown(remoteFolder, user.uid, user.gid);
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(local, { recursive: true, force: true });
  await rm(remoteFolder, { recursive: true, force: true });
});

describe('the app killed mid-queue and started again', () => {
  it('restores the saved queue and finishes every file once the site is connected again', async () => {
    const home = join(local, 'home');
    const target = join(local, 'download');
    const first = await startApp(home);
    const site = ((await first.call('sessions.connect', connectRequest())) as { site: string }).site;
    await first.call('transfers.add', [
      { site, direction: 'download', kind: 'folder', remotePath: remoteFolder, localPath: target },
    ]);
    // Let part of it arrive, then pull the plug.
    for (let wait = 0; wait < 300; wait++) {
      const done = (await readdir(target).catch(() => [])).filter((name) => !name.endsWith('.ferrypart')).length;
      if (done >= 40) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    first.process.kill('SIGKILL');
    await new Promise((resolve) => first.process.once('exit', resolve));
    const saved = JSON.parse(await readFile(join(home, 'queue.json'), 'utf8')) as { jobs: TransferJob[] };
    const unfinished = saved.jobs.filter((job) => job.state === 'queued' || job.state === 'running');
    expect(unfinished.length).toBeGreaterThan(0);

    const second = await startApp(home);
    try {
      const restored = (await second.call('transfers.list')) as TransferJob[];
      expect(restored.filter((job) => job.state === 'queued').length).toBeGreaterThan(0);
      expect(restored.some((job) => job.state === 'running')).toBe(false);
      await second.call('sessions.connect', connectRequest());
      for (let wait = 0; wait < 1200; wait++) {
        const jobs = (await second.call('transfers.list')) as TransferJob[];
        if (jobs.every((job) => job.state !== 'queued' && job.state !== 'running')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const jobs = (await second.call('transfers.list')) as TransferJob[];
      expect(jobs.filter((job) => job.state === 'failed')).toEqual([]);
      // Every file it met was its own: nothing to ask about.
      expect(second.questions).toEqual([]);
      expect(await treeHashes(target)).toEqual(await treeHashes(remoteFolder));
    } finally {
      second.process.kill('SIGTERM');
      await new Promise((resolve) => second.process.once('exit', resolve));
    }
  }, 180_000);
});
