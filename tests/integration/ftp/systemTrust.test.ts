// A certificate the system store trusts is accepted without a pin, as in
// FileZilla or curl. The system store is what SSL_CERT_FILE names (the
// test cannot add a CA to the machine's own bundle), read by the built
// `ferry` binary in a process of its own: the trusted set is read once
// per process.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../electron/cli/exitCodes.js';
import { scratchFolder, servers, urlFor, user, type TlsVariant } from './ftpFixtures.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = scratchFolder('system-trust');
const home = mkdtempSync(join(tmpdir(), 'ferry-system-trust-'));
const unrelatedBundle = join(home, 'unrelated.pem');
// An empty system store: only Node's own roots are left, and none of them signed the test certificate.
writeFileSync(unrelatedBundle, '');

afterAll(() => {
  scratch.remove();
  rmSync(home, { recursive: true, force: true });
});

/** `ferry ls` on the scratch folder in a new process whose environment names only `bundle` as the system store. */
async function listWith(variant: TlsVariant, bundle: string): Promise<{ code: number; out: string; err: string }> {
  const url = urlFor(variant, scratch.remote).replace('://', `://${user.name}@`);
  const env = {
    PATH: process.env['PATH'] ?? '',
    FERRY_HOME: home,
    FERRY_PASSWORD: user.password,
    SSL_CERT_FILE: bundle,
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/ferry.js', 'ls', url], {
      cwd: repo,
      env,
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

describe('certificates trusted by the system store', () => {
  it.each<TlsVariant>(['explicit', 'implicit'])('are accepted without a pin (%s TLS)', async (variant) => {
    writeFileSync(join(scratch.local, 'listed.txt'), 'x');
    const { code, out, err } = await listWith(variant, servers.tls.certPath);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('listed.txt');
  });

  it('are the only ones: a store without the server’s CA refuses it', async () => {
    const { code, err } = await listWith('explicit', unrelatedBundle);
    expect(code).toBe(EXIT.trust);
    expect(err).toContain(servers.tls.fingerprint256);
  });
});
