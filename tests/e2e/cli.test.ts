import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Runs the built `ferry` binary the way `npx ferry` does, returning its output and exit code. */
async function ferry(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/ferry.js', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-cli-'));
  await mkdir(join(folder, 'sub dir'));
  await writeFile(join(folder, 'image.bin'), Buffer.alloc(1234));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('the built ferry command', () => {
  it('prints its version from package.json', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    const result = await ferry('--version');
    expect(result).toMatchObject({ code: 0, stdout: `ferry ${pkg.version}\n` });
  });

  it('prints help naming every URL scheme', async () => {
    const result = await ferry('--help');
    expect(result.code).toBe(0);
    for (const scheme of ['ftp://', 'ftpes://', 'ftps://', 'sftp://', 'tftp://', 'file://']) {
      expect(result.stdout).toContain(scheme);
    }
  });

  it('lists a local folder given as a percent-encoded file URL', async () => {
    const result = await ferry('ls', `file://${encodeURI(folder)}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^-rw.* 1234 .* image\.bin$/m);
    expect(result.stdout).toMatch(/^d.* sub dir\/$/m);
  });

  it('fails with a usage exit code and a clear message on a bad port', async () => {
    const result = await ferry('ls', 'sftp://host:70000/');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('port 70000 is out of range');
  });
});
