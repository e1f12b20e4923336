// Ferry's FTP engine against a second real server, proftpd (started by
// tests/servers/start-proftpd.sh on its own port): MLSD/MLST listings,
// HASH from mod_digest, MFMT, and resumed uploads with APPE (proftpd
// refuses REST before STOR unless configured to allow it).
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  lchownSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRemote } from '../../../electron/core/remote/openRemote.js';
import type { RemoteFileSystem } from '../../../electron/core/remote/remoteFileSystem.js';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { partialPathFor } from '../../../electron/core/transfers/partialFile.js';
import { uploadFile } from '../../../electron/core/transfers/uploadFile.js';
import { parseFerryUrl } from '../../../shared/url.js';
import { scratchFolder, sha256, user, writeOwned, type DataMode } from './ftpFixtures.js';

const PORT = Number(process.env['FERRY_PROFTPD_PORT'] ?? 2130);
const SCRIPTS = fileURLToPath(new URL('../../servers/', import.meta.url));
const SIZE = 2 * 1024 * 1024 + 5;
const content = randomBytes(SIZE);
const scratch = scratchFolder('proftpd');
const local = mkdtempSync(join(tmpdir(), 'ferry-proftpd-'));

function script(name: string): void {
  const result = spawnSync('bash', [join(SCRIPTS, name)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${name} failed:\n${result.stdout}\n${result.stderr}`);
}

beforeAll(() => {
  script('start-proftpd.sh');
  writeOwned(join(scratch.local, 'data.bin'), content);
  writeOwned(join(scratch.local, 'semi;colon name.txt'), 'x');
  symlinkSync('data.bin', join(scratch.local, 'link'));
  lchownSync(join(scratch.local, 'link'), user.uid, user.gid);
});

afterAll(() => {
  script('stop-proftpd.sh');
  scratch.remove();
  rmSync(local, { recursive: true, force: true });
});

describe.each<DataMode>(['passive', 'active'])('proftpd, %s', (mode) => {
  let remote: RemoteFileSystem;
  const lines: string[] = [];
  const folder = join(scratch.remote, mode);

  beforeAll(async () => {
    remote = await openRemote(parseFerryUrl(`ftp://127.0.0.1:${PORT}/`), {
      user: user.name,
      password: user.password,
      ftp: { mode, keepaliveMs: 0 },
      log: (kind, text) => lines.push(`${kind}: ${text}`),
    });
    await remote.mkdir(folder);
  });

  afterAll(async () => {
    await remote.close();
  });

  it('offers hashes from mod_digest, MFMT and MLST', () => {
    expect(remote.capabilities.hash).toEqual(expect.arrayContaining(['sha256', 'sha1', 'md5']));
    expect(remote.capabilities.setModified).toBe(true);
    expect(remote.initialFolder).toBe(user.home);
  });

  it('lists with MLSD: exact sizes, symlinks, names with ";"', async () => {
    const entries = await remote.list(scratch.remote);
    expect(lines.some((line) => line.startsWith('command: MLSD'))).toBe(true);
    const byName = new Map(entries.map((entry) => [entry.name, entry]));
    expect(byName.get('data.bin')).toMatchObject({ type: 'file', size: SIZE, permissions: 'rw-r--r--' });
    expect(byName.get('semi;colon name.txt')).toMatchObject({ type: 'file', size: 1 });
    expect(byName.get(mode)).toMatchObject({ type: 'directory' });
    expect(byName.has('link')).toBe(true);
    expect(byName.has('.')).toBe(false);
  });

  it('stats with MLST', async () => {
    expect(await remote.stat(join(scratch.remote, 'data.bin'))).toMatchObject({
      name: 'data.bin',
      type: 'file',
      size: SIZE,
    });
    expect(await remote.stat(folder)).toMatchObject({ type: 'directory' });
    await expect(remote.stat(join(scratch.remote, 'missing'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('computes SHA-256, SHA-1 and MD5 on the server that match the file', async () => {
    const path = join(scratch.remote, 'data.bin');
    expect(await remote.hash(path, 'sha256')).toBe(sha256(content));
    expect(await remote.hash(path, 'sha1')).toBe(createHash('sha1').update(content).digest('hex'));
    expect(await remote.hash(path, 'md5')).toBe(createHash('md5').update(content).digest('hex'));
  });

  it('gets a file, and resumes from partials of 0, 1 and size - 1 bytes', async () => {
    for (const have of [null, 0, 1, SIZE - 1]) {
      const target = join(local, `${mode}-get-${String(have)}.bin`);
      if (have !== null) writeFileSync(partialPathFor(target), content.subarray(0, have));
      const result = await downloadFile(remote, join(scratch.remote, 'data.bin'), target, { resume: have !== null });
      expect(result.transferred).toBe(SIZE - (have ?? 0));
      expect(sha256(readFileSync(target))).toBe(sha256(content));
      expect(existsSync(partialPathFor(target))).toBe(false);
    }
  });

  it('puts a file (keeping its time with MFMT) and resumes an upload with APPE', async () => {
    const source = join(local, `${mode}-put.bin`);
    writeFileSync(source, content);
    const remotePath = join(folder, 'put.bin');
    await uploadFile(remote, source, remotePath);
    expect(sha256(readFileSync(remotePath))).toBe(sha256(content));
    expect(lines.some((line) => line.startsWith('command: MFMT '))).toBe(true);
    expect(Math.abs(statSync(remotePath).mtimeMs - statSync(source).mtimeMs)).toBeLessThan(1000);

    const resumedPath = join(folder, 'resumed.bin');
    writeOwned(resumedPath, content.subarray(0, 1000));
    const result = await uploadFile(remote, source, resumedPath, { resume: true });
    expect(result.transferred).toBe(SIZE - 1000);
    expect(lines.some((line) => line.startsWith(`command: APPE ${resumedPath}`))).toBe(true);
    expect(sha256(readFileSync(resumedPath))).toBe(sha256(content));
  });

  it('makes, renames and deletes', async () => {
    const sub = join(folder, 'sub');
    await remote.mkdir(sub);
    await expect(remote.mkdir(sub)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    writeOwned(join(sub, 'a'), 'a');
    await remote.rename(join(sub, 'a'), join(sub, 'b'));
    await remote.chmod(join(sub, 'b'), 0o600);
    expect(statSync(join(sub, 'b')).mode & 0o777).toBe(0o600);
    await remote.delete(join(sub, 'b'));
    await remote.rmdir(sub);
    expect(existsSync(sub)).toBe(false);
  });
});
