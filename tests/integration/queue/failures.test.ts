import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, lstat, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFerryUrl } from '../../../shared/url.js';
import { openRemote } from '../../../electron/core/remote/openRemote.js';
import { SessionPool } from '../../../electron/core/sessions/sessionPool.js';
import { TransferQueue } from '../../../electron/core/transfers/transferQueue.js';
import { startScriptedSftpServer, type ScriptedSftpServer } from '../../servers/scriptedSftpServer.js';
import { ferry, serverUrl, servers, tempFolder, trustFor, user } from './queueFixtures.js';

let local: string;
let home: string;

beforeAll(async () => {
  local = await tempFolder('failures');
  home = join(local, 'home');
});

afterAll(async () => {
  await rm(local, { recursive: true, force: true });
});

describe('a hostile listing during a recursive download', () => {
  let hostile: ScriptedSftpServer;

  beforeAll(async () => {
    hostile = await startScriptedSftpServer({
      oddNames: ['../escape.txt', '../../etc/passwd', 'a/b', 'CON', 'aux.c', 'bell\u0007', 'dot.', 'plain.txt'],
    });
    hostile.files.set('/odd/plain.txt', Buffer.from('abc'));
  });

  afterAll(async () => {
    await hostile.close();
  });

  it('skips every name that could escape or break the target, writing nothing outside it', async () => {
    const outer = join(local, 'outer');
    const target = join(outer, 'target');
    await mkdir(outer);
    const lines: string[] = [];
    const url = `sftp://${hostile.user}@127.0.0.1:${hostile.port}/odd`;
    const pool = new SessionPool({
      open: (signal) =>
        openRemote(parseFerryUrl(url), {
          password: hostile.password,
          dataFolder: home,
          signal,
          sftp: { trustFingerprint: hostile.fingerprint, agent: false, userKnownHostsFile: false },
        }),
      limit: 2,
    });
    const queue = await TransferQueue.open({
      sites: { pool: () => pool, atomicUpload: () => false },
      overwrite: 'overwrite',
      log: (_kind, text) => lines.push(text),
    });
    queue.add([{ site: 'hostile', direction: 'download', kind: 'folder', remotePath: '/odd', localPath: target }]);
    await queue.whenIdle();
    await queue.close();
    await pool.close();
    expect(await readdir(outer)).toEqual(['target']);
    expect(await readdir(target)).toEqual(['plain.txt']);
    expect(await readFile(join(target, 'plain.txt'), 'utf8')).toBe('abc');
    expect(lines.filter((line) => line.startsWith('UNSAFE_NAME'))).toHaveLength(7);
  });
});

describe('a full disk', () => {
  const mountPoint = join('/tmp', `ferry-full-disk-${process.pid}`);
  const remoteFile = join(user.home, 'queue-full-disk.bin');

  beforeAll(async () => {
    await mkdir(mountPoint, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'ferry-full-disk', mountPoint]);
    await writeFile(remoteFile, randomBytes(3 * 1024 * 1024));
    await chown(remoteFile, user.uid, user.gid);
  });

  afterAll(async () => {
    execFileSync('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
    await rm(remoteFile, { force: true });
  });

  it('fails with LOCAL_IO, says the disk is full, and leaves no file under the final name', async () => {
    const result = await ferry(
      home,
      'get',
      '--json',
      ...trustFor('sftp'),
      serverUrl('sftp', remoteFile),
      join(mountPoint, 'image.bin'),
    );
    expect(result.code).toBe(9);
    const summary = JSON.parse(result.out) as { failures: { error: { code: string; message: string } }[] };
    expect(summary.failures[0]?.error.code).toBe('LOCAL_IO');
    expect(summary.failures[0]?.error.message).toContain('no space left');
    await expect(lstat(join(mountPoint, 'image.bin'))).rejects.toThrow();
  });
});

describe('an expected hash that does not match', () => {
  const remoteFile = join(user.home, 'queue-vendor-image.bin');
  const content = randomBytes(256 * 1024);

  beforeAll(async () => {
    await writeFile(remoteFile, content);
    await chown(remoteFile, user.uid, user.gid);
  });

  afterAll(async () => {
    await rm(remoteFile, { force: true });
  });

  it.each(['ftp', 'sftp'] as const)(
    'over %s: exit 8, both hashes reported, only the partial kept',
    async (protocol) => {
      const target = join(local, `vendor-${protocol}.bin`);
      const result = await ferry(
        home,
        'get',
        '--json',
        '--expect-hash',
        `sha256:${'ab'.repeat(32)}`,
        ...trustFor(protocol),
        serverUrl(protocol, remoteFile),
        target,
      );
      expect(result.code).toBe(8);
      const summary = JSON.parse(result.out) as {
        failures: { error: { code: string; details: Record<string, string> } }[];
      };
      expect(summary.failures[0]?.error.code).toBe('VERIFY_FAILED');
      expect(summary.failures[0]?.error.details.expected).toBe('ab'.repeat(32));
      await expect(lstat(target)).rejects.toThrow();
      expect((await stat(`${target}.ferrypart`)).size).toBe(content.length);
      expect(Buffer.compare(await readFile(`${target}.ferrypart`), content)).toBe(0);
    },
  );
});

describe('servers', () => {
  it('are the shared loopback ones', () => {
    expect(servers.host).toBe('127.0.0.1');
  });
});
