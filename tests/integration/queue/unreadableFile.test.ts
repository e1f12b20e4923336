import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrl, tempFolder, user } from './queueFixtures.js';

const run = promisify(execFile);

// Root reads everything, so the CLI runs as `nobody` here, where a mode-000
// file really is unreadable: that one file fails, every other one arrives.
const NOBODY = { uid: 65534, gid: 65534 };
let local: string;
const remoteFolder = join(user.home, 'queue-unreadable');

beforeAll(async () => {
  local = await tempFolder('unreadable');
  await chmod(local, 0o755);
  await mkdir(join(local, 'site'));
  for (const name of ['a.html', 'b.html', 'c.html']) await writeFile(join(local, 'site', name), `<p>${name}</p>`);
  await writeFile(join(local, 'site', 'secret.key'), 'not for you');
  await chmod(join(local, 'site', 'secret.key'), 0o000);
  await mkdir(join(local, 'home'), { mode: 0o777 });
  await chmod(join(local, 'home'), 0o777);
});

afterAll(async () => {
  await rm(local, { recursive: true, force: true });
  await rm(remoteFolder, { recursive: true, force: true });
});

describe('an unreadable local file in an upload', () => {
  it('fails that file with PERMISSION_DENIED and uploads the rest', async () => {
    let code = 0;
    let stdout: string;
    try {
      ({ stdout } = await run(
        process.execPath,
        ['bin/ferry.js', 'put', '-r', '--json', join(local, 'site'), serverUrl('ftp', `${remoteFolder}/`)],
        {
          ...NOBODY,
          env: { PATH: process.env.PATH ?? '', FERRY_HOME: join(local, 'home'), FERRY_PASSWORD: user.password },
        },
      ));
    } catch (error) {
      const failed = error as { code: number; stdout: string };
      code = failed.code;
      stdout = failed.stdout;
    }
    expect(code).toBe(7);
    const summary = JSON.parse(stdout) as {
      files: number;
      failed: number;
      failures: { path: string; error: { code: string } }[];
    };
    expect(summary).toMatchObject({ files: 3, failed: 1 });
    expect(summary.failures[0]).toMatchObject({
      path: join(local, 'site', 'secret.key'),
      error: { code: 'PERMISSION_DENIED' },
    });
    expect((await readdir(join(remoteFolder, 'site'))).sort()).toEqual(['a.html', 'b.html', 'c.html']);
    expect(await readFile(join(remoteFolder, 'site', 'b.html'), 'utf8')).toBe('<p>b.html</p>');
  }, 60_000);
});
