import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { FileEntry } from '../../../shared/entries.js';
import { URL_SCHEMES } from '../../../shared/url.js';
import { runCli } from '../../../electron/cli/run.js';
import { EXIT, exitCodeFor } from '../../../electron/cli/exitCodes.js';
import { rateOption } from '../../../electron/cli/options.js';
import { ERROR_CODES } from '../../../shared/errors.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function ferry(...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const output = {
    out: (text: string) => {
      out += text;
    },
    err: (text: string) => {
      err += text;
    },
  };
  // An empty environment, so FERRY_PASSWORD or FERRY_HOME of whoever runs the tests changes nothing.
  const code = await runCli(argv, output, {});
  return { code, out, err };
}

/** The names on each `ls` line: the last column, after the date and time. */
function listedNames(out: string): string[] {
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^\S{10} +\d+ (?:\d{4}-\d\d-\d\d \d\d:\d\d| {16}) (.*)$/.exec(line);
      if (!match) throw new Error(`not an ls line: ${JSON.stringify(line)}`);
      return match[1] ?? '';
    });
}

describe('ferry --help and --version', () => {
  it('prints the help with exit 0, naming every scheme and command', async () => {
    for (const flag of ['--help', '-h']) {
      const run = await ferry(flag);
      expect(run.code).toBe(0);
      expect(run.err).toBe('');
      expect(run.out).toContain('Usage: ferry');
      expect(run.out).toContain('ls URL');
      for (const scheme of URL_SCHEMES) expect(run.out).toContain(`${scheme}://`);
    }
  });

  it('prints help even with a command', async () => {
    expect((await ferry('ls', '--help')).code).toBe(0);
  });

  it('prints the version from package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const run = await ferry(flag);
      expect(run.code).toBe(0);
      expect(run.out).toBe(`ferry ${pkg.version}\n`);
    }
  });
});

describe('ferry usage errors', () => {
  it('exits 2 with the help when no command is given', async () => {
    const run = await ferry();
    expect(run.code).toBe(EXIT.usage);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^ferry: no command given/);
    expect(run.err).toContain('Usage: ferry');
    expect(run.out).toBe('');
  });

  it('exits 2 on an unknown command', async () => {
    const run = await ferry('frobnicate', 'file:///tmp');
    expect(run.code).toBe(2);
    expect(run.err).toBe('ferry: unknown command "frobnicate"; see ferry --help\n');
    expect(run.out).toBe('');
  });

  it('exits 2 on an unknown flag', async () => {
    const run = await ferry('ls', '--frobnicate', 'file:///tmp');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^ferry: .*--frobnicate/);
    expect(run.err).toContain('ferry --help');
    expect(run.out).toBe('');
  });

  it('takes --limit-rate in bytes, K, M or G, and refuses anything else with exit 2', async () => {
    expect(rateOption('limit-rate', '500K')).toBe(512_000);
    expect(rateOption('limit-rate', '1.5M')).toBe(1_572_864);
    expect(rateOption('limit-rate', '2g')).toBe(2 * 1024 ** 3);
    expect(rateOption('limit-rate', '4096')).toBe(4096);
    expect(rateOption('limit-rate', '0')).toBe(0);
    expect(rateOption('limit-rate', undefined)).toBeUndefined();
    for (const bad of ['fast', '10 K', '1T', '100']) {
      const run = await ferry('get', '--limit-rate', bad, 'file:///tmp/none', '/tmp/none');
      expect(run.code).toBe(2);
      expect(run.err).toContain(`--limit-rate must be bytes per second`);
      expect(run.err).toContain(`not "${bad}"`);
    }
  });

  it('exits 2 when ls gets no URL or several', async () => {
    for (const argv of [['ls'], ['ls', 'file:///a', 'file:///b']]) {
      const run = await ferry(...argv);
      expect(run.code).toBe(2);
      expect(run.err).toMatch(/^ferry: ls takes (exactly )?one URL.*ferry --help\n$/);
    }
  });

  it('exits 2 on a bad URL, with the reason and without the password', async () => {
    const bad = await ferry('ls', 'gopher://host/');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^ferry: Invalid URL "gopher:\/\/host\/": unknown scheme/);

    const port = await ferry('ls', 'ftp://bob:hunter2@host:99999/');
    expect(port.code).toBe(2);
    expect(port.err).toContain('out of range');
    expect(port.err).not.toContain('hunter2');

    expect((await ferry('ls', 'not a url')).code).toBe(2);
    expect((await ferry('ls', 'file://otherhost/x')).code).toBe(2);
  });

  it('exits 10 for ls over TFTP, which cannot list, without touching the network', async () => {
    const run = await ferry('ls', 'tftp://host.invalid/file');
    expect(run.code).toBe(EXIT.protocol);
    expect(run.err).toBe('ferry: TFTP cannot list folders; it only reads and writes whole files\n');
  });

  it('exits 2 for sftp:// without a user name, before connecting anywhere', async () => {
    const run = await ferry('ls', 'sftp://host/');
    expect(run.code).toBe(EXIT.usage);
    expect(run.err).toBe('ferry: Give a user name for host:22 (sftp://user@host/)\n');
  });
});

describe('ferry ls', () => {
  let root: string;
  let url: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ferry cli '));
    url = pathToFileURL(root).href;
    await writeFile(join(root, 'file10.txt'), 'ten');
    await writeFile(join(root, 'file2.txt'), 'two!');
    await writeFile(join(root, '.hidden'), '');
    await mkdir(join(root, 'zeta'));
    await mkdir(join(root, '.git'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lists folders first with a trailing "/", then files in natural order, without hidden entries', async () => {
    const run = await ferry('ls', url);
    expect(run.code).toBe(0);
    expect(run.err).toBe('');
    expect(url).toContain('%20'); // the temp folder has a space, so the URL must be decoded
    expect(listedNames(run.out)).toEqual(['zeta/', 'file2.txt', 'file10.txt']);
  });

  it('shows type, permissions and sizes in ls -l style', async () => {
    const lines = (await ferry('ls', url)).out.split('\n');
    expect(lines[0]).toMatch(/^d[rwx-]{9} +0 \d{4}-\d\d-\d\d \d\d:\d\d zeta\/$/);
    expect(lines[1]).toMatch(/^-[rwx-]{9} +4 .* file2\.txt$/);
    expect(lines[2]).toMatch(/^-[rwx-]{9} +3 .* file10\.txt$/);
  });

  it('includes hidden entries with -a or --all', async () => {
    for (const flag of ['-a', '--all']) {
      const run = await ferry('ls', flag, url);
      expect(run.code).toBe(0);
      expect(listedNames(run.out)).toEqual(['.git/', 'zeta/', '.hidden', 'file2.txt', 'file10.txt']);
    }
  });

  it('accepts options after the URL', async () => {
    expect(listedNames((await ferry('ls', url, '-a')).out)).toContain('.hidden');
  });

  it('shows where a symlink points', async () => {
    await symlink('zeta', join(root, 'link'));
    const names = listedNames((await ferry('ls', url)).out);
    expect(names).toContain('link -> zeta');
  });

  it('escapes control characters in names rather than printing them', async () => {
    await writeFile(join(root, 'evil\nname\u202Etxt.exe'), '');
    const run = await ferry('ls', url);
    expect(run.out).toContain('evil\\x0aname\\u202etxt.exe');
    expect(run.out).not.toContain('\u202E');
    expect(run.out.split('\n').filter((line) => line !== '')).toHaveLength(4);
  });

  it('prints an empty listing for an empty folder', async () => {
    await rm(join(root, 'zeta'), { recursive: true });
    await rm(join(root, 'file2.txt'));
    await rm(join(root, 'file10.txt'));
    const run = await ferry('ls', url);
    expect(run.code).toBe(0);
    expect(run.out).toBe('');
  });

  it('prints one JSON object with --json', async () => {
    const run = await ferry('ls', '--json', url);
    expect(run.code).toBe(0);
    expect(run.out.endsWith('\n')).toBe(true);
    expect(run.out.trim().split('\n')).toHaveLength(1);
    const parsed = JSON.parse(run.out) as { path: string; entries: FileEntry[] };
    expect(parsed.path).toBe(root);
    expect(parsed.entries.map((e) => e.name)).toEqual(['zeta', 'file2.txt', 'file10.txt']);
    expect(parsed.entries[1]).toMatchObject({ name: 'file2.txt', type: 'file', size: 4, hidden: false });
    expect(typeof parsed.entries[1]?.modified).toBe('number');
  });

  it('includes hidden entries in JSON only with -a', async () => {
    const parsed = JSON.parse((await ferry('ls', '--json', '-a', url)).out) as { entries: FileEntry[] };
    expect(parsed.entries.filter((e) => e.hidden).map((e) => e.name)).toEqual(['.git', '.hidden']);
  });

  it('exits 6 for a missing folder', async () => {
    const run = await ferry('ls', `${url}/missing`);
    expect(run.code).toBe(EXIT.notFound);
    expect(run.code).toBe(6);
    expect(run.err).toBe(`ferry: Cannot list "${join(root, 'missing')}": does not exist\n`);
    expect(run.out).toBe('');
  });

  it('exits 6 for a file', async () => {
    const run = await ferry('ls', `${url}/file2.txt`);
    expect(run.code).toBe(6);
    expect(run.err).toContain('is not a folder');
  });

  it('prints the error as JSON on stdout too with --json', async () => {
    const run = await ferry('ls', '--json', `${url}/missing`);
    expect(run.code).toBe(6);
    expect(JSON.parse(run.out)).toEqual({
      error: { code: 'NOT_FOUND', message: `Cannot list "${join(root, 'missing')}": does not exist`, retryable: false },
    });
    expect(run.err).toMatch(/^ferry: Cannot list/);
  });

  it('escapes control characters in error messages, on stderr and in JSON that still parses', async () => {
    const hostile = join(root, 'missing\u001b[2K\rferry: verified\u009b');
    const run = await ferry('put', '--json', hostile, `${url}/`);
    expect(run.code).toBe(6);
    // eslint-disable-next-line no-control-regex
    expect(run.err + run.out).not.toMatch(/[\u001b\r\u009b]/);
    expect(run.err).toContain('missing\\u001b[2K\\u000dferry: verified\\u009b');
    const shown = JSON.parse(run.out) as { error: { message: string } };
    expect(shown.error.message).toContain(hostile);
  });
});

describe('exitCodeFor', () => {
  it('maps every error code to a documented exit code', () => {
    const documented = new Set<number>(Object.values(EXIT));
    for (const code of ERROR_CODES) expect(documented.has(exitCodeFor(code))).toBe(true);
  });

  it('separates usage, connection, auth, trust, not found and verify failures', () => {
    expect(exitCodeFor('INVALID_INPUT')).toBe(2);
    expect(exitCodeFor('UNSAFE_NAME')).toBe(2);
    expect(exitCodeFor('CONNECTION_LOST')).toBe(3);
    expect(exitCodeFor('TIMEOUT')).toBe(3);
    expect(exitCodeFor('AUTH_FAILED')).toBe(4);
    expect(exitCodeFor('HOSTKEY_MISMATCH')).toBe(5);
    expect(exitCodeFor('TLS_UNTRUSTED')).toBe(5);
    expect(exitCodeFor('NOT_FOUND')).toBe(6);
    expect(exitCodeFor('PERMISSION_DENIED')).toBe(7);
    expect(exitCodeFor('VERIFY_FAILED')).toBe(8);
    expect(exitCodeFor('LOCAL_IO')).toBe(9);
    expect(exitCodeFor('UNSUPPORTED')).toBe(10);
    expect(exitCodeFor('CANCELED')).toBe(130);
  });
});
