// The `ferry` command's TFTP side, run in-process through runCli: get and
// put with the TFTP options, and tftp-serve until its signal fires.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../electron/cli/exitCodes.js';
import { runCli } from '../../../electron/cli/run.js';
import { loadServers } from '../../servers/config.js';
import { download, freeUdpPort, sha256, tempDir, tftpClient, uniqueName, writeFixture } from './fixtures.js';

const hpa = loadServers().tftp;
const created: string[] = [];
let base: string;

function capture() {
  const output = { stdout: '', stderr: '' };
  return {
    output,
    sink: {
      out: (text: string) => {
        output.stdout += text;
      },
      err: (text: string) => {
        output.stderr += text;
      },
    },
  };
}

beforeAll(async () => {
  base = await tempDir('cli');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
  await Promise.all(created.map((name) => rm(join(hpa.root, name), { force: true })));
});

describe('ferry get and put over TFTP', () => {
  it('downloads and uploads with --blksize, --windowsize, --timeout and --json', async () => {
    const content = randomBytes(300_000);
    const name = uniqueName('cli');
    created.push(name);
    await writeFixture(join(hpa.root, name), content);
    const target = join(base, 'got.bin');
    const url = `tftp://127.0.0.1:${hpa.port}/${name}`;
    const got = capture();
    const options = ['--blksize', '1468', '--windowsize', '4', '--timeout', '2', '--json'];
    expect(await runCli(['get', url, target, ...options], got.sink, {})).toBe(EXIT.ok);
    expect(JSON.parse(got.output.stdout)).toMatchObject({ files: 1, bytes: content.length, verified: 'none' });
    expect(sha256(await readFile(target))).toBe(sha256(content));

    const uploaded = uniqueName('cli-up');
    created.push(uploaded);
    const put = capture();
    const upUrl = `tftp://127.0.0.1:${hpa.port}/${uploaded}`;
    expect(await runCli(['put', target, upUrl, ...options], put.sink, {})).toBe(EXIT.ok);
    expect(JSON.parse(put.output.stdout)).toMatchObject({ files: 1, bytes: content.length });
    expect(sha256(await readFile(join(hpa.root, uploaded)))).toBe(sha256(content));
  });

  it('exits with the not-found code for a missing file and leaves no file behind', async () => {
    const target = join(base, 'missing.bin');
    const run = capture();
    const code = await runCli(['get', `tftp://127.0.0.1:${hpa.port}/missing-${Date.now()}.bin`, target], run.sink, {});
    expect(code).toBe(EXIT.notFound);
    expect(run.output.stderr).toMatch(/TFTP error 1/);
    await expect(readFile(target)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a --blksize outside 8–65464', async () => {
    const run = capture();
    const code = await runCli(['get', `tftp://127.0.0.1:${hpa.port}/x`, '--blksize', '7'], run.sink, {});
    expect(code).toBe(EXIT.usage);
  });
});

describe('ferry tftp-serve', () => {
  it('serves a folder until its signal fires, with one JSON object per transfer event', async () => {
    const folder = join(base, 'served');
    await mkdir(folder);
    const content = randomBytes(100_000);
    await writeFixture(join(folder, 'image.bin'), content);
    const port = await freeUdpPort();
    const controller = new AbortController();
    const run = capture();
    const exit = runCli(
      ['tftp-serve', folder, '--bind', '127.0.0.1', '--port', String(port), '--writable', '--json'],
      run.sink,
      {},
      controller.signal,
    );
    await expect.poll(() => run.output.stderr).toContain(`on 127.0.0.1:${port} (uploads allowed)`);

    const client = await tftpClient(port, { blksize: 1024 });
    expect(sha256(await download(client, 'image.bin'))).toBe(sha256(content));
    await expect
      .poll(() => run.output.stdout.split('\n').filter((line) => line.includes('"state":"done"')).length)
      .toBe(1);
    controller.abort();
    expect(await exit).toBe(EXIT.ok);

    const events = run.output.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { file: string; direction: string; state: string; bytes: number });
    expect(events[0]).toMatchObject({ file: 'image.bin', direction: 'read', state: 'running' });
    expect(events.at(-1)).toMatchObject({ file: 'image.bin', direction: 'read', state: 'done', bytes: content.length });
  });

  it('prints one line per finished transfer in text mode', async () => {
    const folder = join(base, 'served-text');
    await mkdir(folder);
    const port = await freeUdpPort();
    const controller = new AbortController();
    const run = capture();
    const exit = runCli(['tftp-serve', folder, '--port', String(port)], run.sink, {}, controller.signal);
    await expect.poll(() => run.output.stderr).toContain('(read-only)');
    const client = await tftpClient(port);
    await expect(download(client, 'absent.bin')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect
      .poll(() => run.output.stdout)
      .toMatch(/127\.0\.0\.1:\d+ sent "absent\.bin" 0 B failed: .*does not exist\n$/);
    controller.abort();
    expect(await exit).toBe(EXIT.ok);
  });

  it('says what is wrong with its arguments', async () => {
    const missing = capture();
    expect(await runCli(['tftp-serve', join(base, 'nope'), '--port', '16999'], missing.sink, {})).toBe(EXIT.notFound);
    expect(missing.output.stderr).toContain('does not exist');
    const badPort = capture();
    expect(await runCli(['tftp-serve', base, '--port', '70000'], badPort.sink, {})).toBe(EXIT.usage);
    const overwrite = capture();
    expect(await runCli(['tftp-serve', base, '--port', '16999', '--overwrite'], overwrite.sink, {})).toBe(EXIT.usage);
  });
});
