// Symbolic links on vsftpd, whose LIST says "name -> target" and nothing
// about the target: the engine marks such links unknown (not broken), and
// a listing of a path that is no folder says what is there instead, which
// is how the window finds out what a link is when it is used. The queue
// then downloads a link to a file (asking the server its size) and a link
// to a folder (as a folder), as the window queues them.
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { lchownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRemote } from '../../../electron/core/remote/openRemote.js';
import { SessionPool } from '../../../electron/core/sessions/sessionPool.js';
import { TransferQueue } from '../../../electron/core/transfers/transferQueue.js';
import { notAFolderOf } from '../../../shared/entries.js';
import { parseFerryUrl } from '../../../shared/url.js';
import { failure } from '../failure.js';
import { connect, scratchFolder, urlFor, user, writeOwned, type Session } from './ftpFixtures.js';

const content = randomBytes(5000);
const scratch = scratchFolder('symlinks');
const local = mkdtempSync(join(tmpdir(), 'ferry-ftp-links-'));
const remote = (name: string): string => join(scratch.remote, name);

function ownedLink(target: string, name: string): void {
  symlinkSync(target, join(scratch.local, name));
  lchownSync(join(scratch.local, name), user.uid, user.gid);
}

let session: Session;

beforeAll(async () => {
  writeOwned(join(scratch.local, 'small.bin'), content);
  mkdirSync(join(scratch.local, 'sub'));
  chownSync(join(scratch.local, 'sub'), user.uid, user.gid);
  writeOwned(join(scratch.local, 'sub', 'inner.txt'), 'inside\n');
  ownedLink('sub', 'link-to-sub');
  ownedLink('small.bin', 'link-to-file');
  ownedLink('nowhere', 'broken-link');
  session = await connect('plain', 'passive');
});

afterAll(async () => {
  // Unset when the connect in beforeAll failed.
  await (session as Session | undefined)?.remote.close();
  scratch.remove();
  rmSync(local, { recursive: true, force: true });
});

describe('links in a vsftpd listing', () => {
  it('lists every link with its target and an unknown target type, not as broken', async () => {
    const entries = new Map((await session.remote.list(scratch.remote)).map((entry) => [entry.name, entry]));
    for (const [name, target] of [
      ['link-to-sub', 'sub'],
      ['link-to-file', 'small.bin'],
      ['broken-link', 'nowhere'],
    ] as const) {
      const entry = entries.get(name);
      expect(entry).toMatchObject({ type: 'symlink', linkTarget: target, linkTargetUnknown: true, size: 0 });
      expect(entry?.linkTargetType).toBeUndefined();
    }
    expect(entries.get('small.bin')).toMatchObject({ type: 'file', size: 5000 });
    expect(entries.get('small.bin')?.linkTargetUnknown).toBeUndefined();
    expect(entries.get('sub')?.linkTargetUnknown).toBeUndefined();
  });

  it('lists a link to a folder as that folder', async () => {
    const entries = await session.remote.list(remote('link-to-sub'));
    expect(entries.map((entry) => entry.name)).toEqual(['inner.txt']);
  });

  it('says a link to a file is a file, with its size, when asked to list it', async () => {
    const error = await failure(session.remote.list(remote('link-to-file')));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.replyCode).toBe(550);
    expect(error.message).toContain('it is a file, not a folder');
    expect(notAFolderOf(error.details)).toEqual({ found: 'file', size: 5000 });
  });

  it('says nothing is there for a broken link, and for a missing path', async () => {
    for (const path of [remote('broken-link'), remote('missing')]) {
      const error = await failure(session.remote.list(path));
      expect(error.code).toBe('NOT_FOUND');
      expect(notAFolderOf(error.details)).toEqual({ found: 'nothing' });
    }
  });

  it('still lists after those failures, on the same connection', async () => {
    expect((await session.remote.list(scratch.remote)).length).toBeGreaterThanOrEqual(5);
    expect(session.lines.filter((line) => line.startsWith('info: Connecting to'))).toHaveLength(1);
  });

  it('stats through a link: SIZE for a file, CWD for a folder, NOT_FOUND when broken', async () => {
    expect(await session.remote.stat(remote('link-to-file'))).toMatchObject({ type: 'file', size: 5000 });
    expect(await session.remote.stat(remote('link-to-sub'))).toMatchObject({ type: 'directory' });
    expect((await failure(session.remote.stat(remote('broken-link')))).code).toBe('NOT_FOUND');
  });
});

describe('the queue, given links as the window queues them', () => {
  it('downloads a link to a file (no listed facts: it asks the server) and a link to a folder', async () => {
    const pool = new SessionPool({
      open: (signal) =>
        openRemote(parseFerryUrl(urlFor('plain')), {
          user: user.name,
          password: user.password,
          ftp: { mode: 'passive', keepaliveMs: 0 },
          signal,
        }),
      limit: 2,
    });
    const queue = await TransferQueue.open({
      sites: { pool: () => pool, atomicUpload: () => false },
      overwrite: 'overwrite',
    });
    try {
      queue.add([
        {
          site: 'vsftpd',
          direction: 'download',
          kind: 'file',
          remotePath: remote('link-to-file'),
          localPath: join(local, 'link-to-file'),
          size: 5000,
        },
        {
          site: 'vsftpd',
          direction: 'download',
          kind: 'folder',
          remotePath: remote('link-to-sub'),
          localPath: join(local, 'link-to-sub'),
        },
      ]);
      await queue.whenIdle();
      const jobs = queue.list();
      expect(jobs.filter((job) => job.state !== 'done').map((job) => job.error?.message)).toEqual([]);
      expect(readFileSync(join(local, 'link-to-file')).equals(content)).toBe(true);
      expect(readFileSync(join(local, 'link-to-sub', 'inner.txt'), 'utf8')).toBe('inside\n');
    } finally {
      await queue.close();
      await pool.close();
    }
  });
});
