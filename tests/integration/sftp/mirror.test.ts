// `ferry mirror --delete` from sshd with the password in the URL: names this
// machine must not create are skipped, and must not then be deleted
// locally; the dry run is recorded without the password.
import { chown, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFerry, type CliRun } from '../../cliRun.js';
import { passwordUser, removeAll, servers, sshd, uniqueName } from './sftpTestKit.js';

let local = '';
let folder = '';

function ferry(...args: string[]): Promise<CliRun> {
  return runFerry(args, { FERRY_HOME: join(local, 'home') });
}

beforeAll(async () => {
  local = await mkdtemp(join(tmpdir(), 'ferry-sftp-mirror-'));
  folder = join(passwordUser.home, uniqueName('mirror'));
  await mkdir(folder);
  await chown(folder, passwordUser.uid, passwordUser.gid);
});

afterAll(async () => {
  await removeAll(local, folder);
});

describe('ferry mirror --delete over sftp://', () => {
  it('keeps local copies of names it skipped at the source, and stores no password', async () => {
    const names = ['aux.c', 'todo: later.txt', 'ok.txt'];
    for (const name of names) {
      await writeFile(join(folder, name), name);
      await chown(join(folder, name), passwordUser.uid, passwordUser.gid);
    }
    const target = join(local, 'copy');
    await mkdir(target);
    for (const name of ['aux.c', 'todo: later.txt', 'stale.txt']) await writeFile(join(target, name), name);
    const password = encodeURIComponent(passwordUser.password);
    const url = `sftp://${encodeURIComponent(passwordUser.name)}:${password}@${servers.host}:${sshd.port}${folder}`;
    const trust = ['--trust-fingerprint', sshd.hostKeyFingerprint];

    const dry = await ferry('mirror', ...trust, '--delete', '-n', url, target);
    expect(dry.code, dry.err).toBe(0);
    const stored = await readFile(join(local, 'home', 'mirror-dry-runs.json'), 'utf8');
    expect(stored).not.toContain(passwordUser.password);
    expect(stored).not.toContain(password);
    expect(dry.out.split('\n').filter(Boolean).sort()).toEqual(['delete stale.txt', 'get ok.txt']);

    const run = await ferry('mirror', ...trust, '--delete', url, target);
    expect(run.code, run.err).toBe(0);
    expect((await readdir(target)).sort()).toEqual(['aux.c', 'ok.txt', 'todo: later.txt']);
  });
});
