import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFerry, type CliRun } from '../../cliRun.js';

let folder: string;
let home: string;

function ferry(...args: string[]): Promise<CliRun> {
  return runFerry(args, { FERRY_HOME: home });
}

const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-cli-transfer-'));
  home = join(folder, 'home');
  await mkdir(join(folder, 'src', 'css'), { recursive: true });
  await writeFile(join(folder, 'src', 'index.html'), '<h1>v1</h1>');
  await writeFile(join(folder, 'src', 'css', 'site.css'), 'body{}');
  await writeFile(join(folder, 'src', 'image.bin'), randomBytes(5000));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('ferry get/put -r', () => {
  it('downloads a folder tree and reports one JSON summary', async () => {
    const result = await ferry('get', '-r', '--json', `file://${join(folder, 'src')}`, join(folder, 'copy'));
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.out) as { files: number; bytes: number; verified: string; failed: number };
    expect(summary).toMatchObject({ files: 3, bytes: 11 + 6 + 5000, failed: 0 });
    expect(await readFile(join(folder, 'copy', 'css', 'site.css'), 'utf8')).toBe('body{}');
  });

  it('puts a download into a folder named with a trailing slash, making the folder if need be', async () => {
    await writeFile(join(folder, 'one.txt'), 'one');
    const result = await ferry('get', `file://${join(folder, 'one.txt')}`, `${join(folder, 'new', 'deeper')}/`);
    expect(result.code).toBe(0);
    expect(await readFile(join(folder, 'new', 'deeper', 'one.txt'), 'utf8')).toBe('one');
  });

  it('copies files whose names are as long as the file system allows', async () => {
    const names = ['n'.repeat(255), '名'.repeat(85)];
    for (const name of names) await writeFile(join(folder, 'src', 'css', name), name);
    const result = await ferry('get', '-r', '--json', `file://${join(folder, 'src')}`, join(folder, 'copy'));
    expect(result.code, result.err).toBe(0);
    for (const name of names) expect(await readFile(join(folder, 'copy', 'css', name), 'utf8')).toBe(name);
    expect((await readdir(join(folder, 'copy', 'css'))).filter((name) => name.endsWith('.ferrypart'))).toEqual([]);
  });

  it('refuses a folder without -r, and --expect-hash on a folder', async () => {
    expect((await ferry('get', `file://${join(folder, 'src')}`, join(folder, 'x'))).code).toBe(2);
    expect(
      (await ferry('get', '-r', '--expect-hash', `md5:${'0'.repeat(32)}`, `file://${join(folder, 'src')}`)).code,
    ).toBe(2);
  });

  it('fails with exit code 8 and keeps only the partial when the expected hash differs', async () => {
    const result = await ferry(
      'get',
      '--expect-hash',
      `sha256:${'a'.repeat(64)}`,
      `file://${join(folder, 'src', 'index.html')}`,
      join(folder, 'got.html'),
    );
    expect(result.code).toBe(8);
    expect(result.err).toContain('but you expected');
    await expect(lstat(join(folder, 'got.html'))).rejects.toThrow();
    expect(await readFile(join(folder, 'got.html.ferrypart'), 'utf8')).toBe('<h1>v1</h1>');
    const good = await ferry(
      'get',
      '--expect-hash',
      `sha256:${sha('<h1>v1</h1>')}`,
      `file://${join(folder, 'src', 'index.html')}`,
      join(folder, 'got.html'),
    );
    expect(good.code).toBe(0);
  });
});

describe('ferry hash', () => {
  it('prints the hash like sha256sum', async () => {
    const result = await ferry('hash', '--algo', 'sha256', `file://${join(folder, 'src', 'index.html')}`);
    expect(result.out).toBe(`${sha('<h1>v1</h1>')}  ${join(folder, 'src', 'index.html')}\n`);
    expect((await ferry('hash', '--algo', 'crc64', `file://${join(folder, 'src', 'index.html')}`)).code).toBe(2);
  });
});

describe('ferry mirror', () => {
  const source = (): string => `file://${join(folder, 'src')}`;
  const target = (): string => join(folder, 'mirror');

  it('copies only what is missing, changed in size, or newer', async () => {
    expect((await ferry('mirror', source(), target())).code).toBe(0);
    expect(await readFile(join(target(), 'index.html'), 'utf8')).toBe('<h1>v1</h1>');

    const dry = await ferry('mirror', '--dry-run', source(), target());
    expect(dry.out).toBe('');

    await writeFile(join(folder, 'src', 'index.html'), '<h1>v2!</h1>');
    const later = new Date(Date.now() + 60_000);
    await utimes(join(folder, 'src', 'css', 'site.css'), later, later);
    await writeFile(join(folder, 'src', 'css', 'site.css'), 'body{}');
    await utimes(join(folder, 'src', 'css', 'site.css'), later, later);
    const plan = await ferry('mirror', '-n', source(), target());
    expect(plan.out.split('\n').filter(Boolean).sort()).toEqual(['get css/site.css', 'get index.html']);
  });

  it('deletes only after a dry run has listed exactly those deletions', async () => {
    await ferry('mirror', source(), target());
    await writeFile(join(target(), 'stale.txt'), 'old');
    await mkdir(join(target(), 'gone'));
    await writeFile(join(target(), 'gone', 'x.txt'), 'x');

    const refused = await ferry('mirror', '--delete', source(), target());
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--dry-run');
    expect(await readdir(target())).toContain('stale.txt');

    const dry = await ferry('mirror', '--delete', '--dry-run', source(), target());
    expect(dry.out.split('\n').filter(Boolean)).toEqual(['delete gone/x.txt', 'delete gone', 'delete stale.txt']);

    await writeFile(join(target(), 'newer-stale.txt'), 'appeared after the dry run');
    expect((await ferry('mirror', '--delete', source(), target())).code).toBe(2);
    expect(await readdir(target())).toContain('stale.txt');

    await ferry('mirror', '--delete', '--dry-run', source(), target());
    const done = await ferry('mirror', '--delete', source(), target());
    expect(done.code).toBe(0);
    expect((await readdir(target())).sort()).toEqual(['css', 'image.bin', 'index.html']);
  });

  it('needs exactly one server side', async () => {
    expect((await ferry('mirror', join(folder, 'a'), join(folder, 'b'))).code).toBe(2);
  });
});
