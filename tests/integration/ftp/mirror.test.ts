// `ferry mirror` against vsftpd: what an FTP listing shows (minutes, no
// hashes) must not make a mirror copy again or copy the wrong bytes.
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFerry, type CliRun } from '../../cliRun.js';
import { scratchFolder, sha256, urlFor, user, writeOwned } from './ftpFixtures.js';

const scratch = scratchFolder('mirror');
const local = mkdtempSync(join(tmpdir(), 'ferry-ftp-mirror-'));

afterAll(() => {
  scratch.remove();
  rmSync(local, { recursive: true, force: true });
});

function ferry(...args: string[]): Promise<CliRun> {
  return runFerry(args, { FERRY_PASSWORD: user.password, FERRY_HOME: join(local, 'home') });
}

const url = (path: string): string => urlFor('plain', path).replace('://', `://${user.name}@`);

describe('ferry mirror over FTP', () => {
  it('does not upload again a file whose time the listing shows only to the minute', async () => {
    const site = join(local, 'site');
    const index = join(site, 'index.html');
    mkdirSync(site, { recursive: true });
    writeFileSync(index, 'hello');
    // 45 seconds past a minute, ten minutes ago: LIST shows the minute only.
    const when = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000 + 45_000);
    utimesSync(index, when, when);
    const target = url(`${scratch.remote}/up`);
    const first = await ferry('mirror', site, target);
    expect(first.code, first.err).toBe(0);
    expect(readFileSync(join(scratch.local, 'up', 'index.html'), 'utf8')).toBe('hello');
    const plan = await ferry('mirror', '-n', site, target);
    expect(plan.code, plan.err).toBe(0);
    expect(plan.out).toBe('');
  });

  it('downloads X whole beside a leftover X.ferrypart, which it neither copies nor deletes', async () => {
    const content = randomBytes(3 * 1024 * 1024);
    const remote = join(scratch.local, 'down');
    mkdirSync(remote);
    chownSync(remote, user.uid, user.gid);
    writeOwned(join(remote, 'disk.img'), content);
    writeOwned(join(remote, 'disk.img.ferrypart'), 'leftover of an interrupted upload');
    const target = join(local, 'down');
    const run = await ferry('mirror', '--parallel', '2', url(`${scratch.remote}/down`), target);
    expect(run.code, run.err).toBe(0);
    expect(readdirSync(target)).toEqual(['disk.img']);
    expect(sha256(readFileSync(join(target, 'disk.img')))).toBe(sha256(content));
  });
});
