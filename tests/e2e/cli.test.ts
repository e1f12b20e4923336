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

  it('counts every file of a run larger than the queue keeps in its successful list (10,000)', async () => {
    const tree = join(folder, 'many');
    const files = 10_050;
    for (let d = 0; d < 10; d++) await mkdir(join(tree, `d${d}`), { recursive: true });
    // In batches: ten thousand writes at once could run out of file descriptors.
    for (let first = 0; first < files; first += 500) {
      const batch = Array.from({ length: Math.min(500, files - first) }, (_, k) => first + k);
      await Promise.all(batch.map((i) => writeFile(join(tree, `d${i % 10}`, `f${i}`), `${i}`)));
    }
    const bytes = Array.from({ length: files }, (_, i) => String(i).length).reduce((a, b) => a + b, 0);
    const result = await ferry(
      'get',
      '-r',
      '--json',
      '--verify',
      'none',
      `file://${encodeURI(tree)}`,
      join(folder, 'copy'),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ files, bytes, failed: 0, skipped: 0, verified: 'size' });
  }, 60_000);

  it('fails with a usage exit code and a clear message on a bad port', async () => {
    const result = await ferry('ls', 'sftp://host:70000/');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('port 70000 is out of range');
  });
});
