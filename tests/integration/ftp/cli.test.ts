// `ferry ls|get|put` on ftp://, ftpes:// and ftps:// URLs against vsftpd,
// run in-process through the same entry point as the binary.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../electron/cli/exitCodes.js';
import { runCli } from '../../../electron/cli/run.js';
import { runFerry, type CliRun } from '../../cliRun.js';
import { scratchFolder, servers, sha256, urlFor, user, writeOwned, type TlsVariant } from './ftpFixtures.js';

const scratch = scratchFolder('cli');
const local = mkdtempSync(join(tmpdir(), 'ferry-ftp-cli-'));
const content = randomBytes(512 * 1024 + 3);
writeOwned(join(scratch.local, 'data.bin'), content);

afterAll(() => {
  scratch.remove();
  rmSync(local, { recursive: true, force: true });
});

/** Runs `ferry` with the test user's name in the URL and the password in FERRY_PASSWORD. */
function ferry(...args: string[]): Promise<CliRun> {
  return runFerry(args, { FERRY_PASSWORD: user.password, FERRY_HOME: local });
}

function url(variant: TlsVariant, path: string): string {
  return urlFor(variant, path).replace('://', `://${user.name}@`);
}

const pin = `SHA256:${servers.tls.fingerprint256.replace(/:/g, '')}`;

describe('ferry with FTP URLs', () => {
  it.each<TlsVariant>(['explicit', 'implicit'])(
    'refuses the self-signed certificate (%s) with exit code 5 and prints its fingerprint',
    async (variant) => {
      const { code, err } = await ferry('ls', url(variant, scratch.remote));
      expect(code).toBe(EXIT.trust);
      expect(err).toContain(servers.tls.fingerprint256);
    },
  );

  it('prints the certificate details in --json errors', async () => {
    const { code, out } = await ferry('ls', '--json', url('explicit', scratch.remote));
    expect(code).toBe(EXIT.trust);
    const parsed = JSON.parse(out) as { error: { code: string; details: Record<string, string> } };
    expect(parsed.error.code).toBe('TLS_UNTRUSTED');
    expect(parsed.error.details.fingerprint256).toBe(servers.tls.fingerprint256);
    expect(parsed.error.details.subject).toContain('CN=localhost');
  });

  it.each<[TlsVariant, string]>([
    ['plain', ''],
    ['explicit', pin],
    ['implicit', servers.tls.fingerprint256.toLowerCase()],
  ])('lists a folder over %s FTP (trusting %j)', async (variant, fingerprint) => {
    const trust = fingerprint === '' ? [] : ['--trust-fingerprint', fingerprint];
    const { code, out, err } = await ferry('ls', ...trust, '--json', url(variant, scratch.remote));
    expect(err).toBe('');
    expect(code).toBe(EXIT.ok);
    const listing = JSON.parse(out) as { entries: { name: string; size: number }[] };
    expect(listing.entries).toContainEqual(expect.objectContaining({ name: 'data.bin', size: content.length }));
  });

  it('gets a file in active mode over explicit TLS, then resumes a partial with --continue', async () => {
    const target = join(local, 'data.bin');
    const first = await ferry(
      'get',
      '--active',
      '--json',
      '--trust-fingerprint',
      pin,
      url('explicit', `${scratch.remote}/data.bin`),
      local,
    );
    expect(first.code).toBe(EXIT.ok);
    expect(JSON.parse(first.out)).toMatchObject({ files: 1, bytes: content.length, verified: 'size' });
    expect(sha256(readFileSync(target))).toBe(sha256(content));

    rmSync(target);
    writeFileSync(`${target}.ferrypart`, content.subarray(0, 1000));
    const resumed = await ferry('get', '--continue', '-v', url('plain', `${scratch.remote}/data.bin`), target);
    expect(resumed.code).toBe(EXIT.ok);
    expect(resumed.err).toContain('[command] REST 1000');
    expect(sha256(readFileSync(target))).toBe(sha256(content));
  });

  it('keeps a download to --limit-rate', async () => {
    const target = join(local, 'limited.bin');
    const { code, out } = await ferry(
      'get',
      '--json',
      '--limit-rate',
      '128K',
      url('plain', `${scratch.remote}/data.bin`),
      target,
    );
    expect(code).toBe(EXIT.ok);
    // 512 KiB at 128 KiB/s, after the one second's worth a limit lets through at once: 3 s.
    expect((JSON.parse(out) as { seconds: number }).seconds).toBeGreaterThan(2.5);
    expect(sha256(readFileSync(target))).toBe(sha256(content));
  });

  it('asks the server about the file once before getting it, and keeps its time', async () => {
    const target = join(local, 'asked-once.bin');
    const { code, err } = await ferry('get', '-v', url('plain', `${scratch.remote}/data.bin`), target);
    expect(code).toBe(EXIT.ok);
    expect(err.match(/\[command\] SIZE /g)).toHaveLength(1);
    expect(err.match(/\[command\] MDTM /g)).toHaveLength(1);
    expect(sha256(readFileSync(target))).toBe(sha256(content));
    // MDTM has whole seconds.
    const serverSeconds = Math.floor(statSync(join(scratch.local, 'data.bin')).mtimeMs / 1000);
    expect(statSync(target).mtimeMs).toBe(serverSeconds * 1000);
  });

  it('asks the server about the named target once before putting a file there, existing or not', async () => {
    for (const name of ['put-once.bin', 'put-once.bin']) {
      const { code, err } = await ferry(
        'put',
        '-v',
        join(scratch.local, 'data.bin'),
        url('plain', `${scratch.remote}/${name}`),
      );
      expect(code).toBe(EXIT.ok);
      const beforeStore = err.slice(0, err.indexOf('[command] STOR '));
      expect(beforeStore.match(/\[command\] SIZE /g)).toHaveLength(1);
    }
    expect(sha256(readFileSync(join(scratch.local, 'put-once.bin')))).toBe(sha256(content));
  });

  it('puts a file over implicit TLS with -v logging the session (password hidden) on stderr', async () => {
    const source = join(local, 'upload.bin');
    writeFileSync(source, content);
    const { code, err } = await ferry(
      'put',
      '-v',
      '--trust-fingerprint',
      pin,
      source,
      url('implicit', `${scratch.remote}/`),
    );
    expect(code).toBe(EXIT.ok);
    expect(err).toContain('[command] STOR ');
    expect(err).toContain('[command] PASS ****');
    expect(err).not.toContain(user.password);
    expect(sha256(readFileSync(join(scratch.local, 'upload.bin')))).toBe(sha256(content));
  });

  it('exits 6 for a missing remote file and leaves nothing under its name', async () => {
    const target = join(local, 'missing.bin');
    const { code } = await ferry('get', url('plain', `${scratch.remote}/missing.bin`), target);
    expect(code).toBe(EXIT.notFound);
    expect(existsSync(target)).toBe(false);
  });

  it('exits 4 for a wrong password', async () => {
    let err = '';
    const code = await runCli(
      ['ls', url('plain', '/')],
      { out: () => undefined, err: (text) => (err += text) },
      { FERRY_PASSWORD: 'not-the-password', FERRY_HOME: local },
    );
    expect(code).toBe(EXIT.auth);
    expect(err).toMatch(/530/);
  });

  it('takes the password in the URL over FERRY_PASSWORD, which only stands in for a missing one', async () => {
    const withPassword = (password: string): string =>
      url('plain', scratch.remote).replace(`://${user.name}@`, `://${user.name}:${encodeURIComponent(password)}@`);
    const run = (target: string, envPassword: string): Promise<number> =>
      runCli(
        ['ls', target],
        { out: () => undefined, err: () => undefined },
        {
          FERRY_PASSWORD: envPassword,
          FERRY_HOME: local,
        },
      );
    expect(await run(withPassword('not-the-password'), user.password)).toBe(EXIT.auth);
    expect(await run(withPassword(user.password), 'not-the-password')).toBe(EXIT.ok);
  });
});
