// Logging in without an identity file, as ssh does: the agent's keys, then
// ~/.ssh/id_rsa, id_ecdsa, id_ecdsa_sk, id_ed25519, id_ed25519_sk, id_dsa,
// against the shared OpenSSH sshd. Each test has a home folder of its own;
// the real ~/.ssh is never read or written.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../electron/cli/exitCodes.js';
import { runCli } from '../../../electron/cli/run.js';
import type { SftpConnectOptions } from '../../../electron/core/remote/connectOptions.js';
import { failure } from '../failure.js';
import { keyUser, openSession, removeAll, removeDataFolders, servers, sshd } from './sftpTestKit.js';

const made: string[] = [];

/** A home folder whose .ssh holds `keys`: file name → the key file to copy there, or a key type for ssh-keygen to make (one the server does not know). */
async function homeWith(keys: Record<string, string>): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'ferry-default-keys-'));
  made.push(home);
  await mkdir(join(home, '.ssh'), { mode: 0o700 });
  for (const [name, source] of Object.entries(keys)) {
    const path = join(home, '.ssh', name);
    if (source.startsWith('/')) await copyFile(source, path);
    else execFileSync('ssh-keygen', ['-q', '-t', source, '-N', '', '-f', path], { stdio: 'ignore' });
  }
  return home;
}

/** Opens a session as the key user naming no identity file, with no agent unless given; returns the log too. */
async function login(home: string, sftp: SftpConnectOptions = {}) {
  const lines: string[] = [];
  const remote = await openSession({
    sftp: { identityFile: undefined, agent: false, homeFolder: home, ...sftp },
    connect: { log: (_kind, text) => lines.push(text) },
  });
  return { remote, lines };
}

const tried = (lines: string[]): string[] =>
  lines.filter((line) => line.startsWith('Trying ')).map((line) => line.replace(/ authentication as .*$/, ''));

afterAll(async () => {
  await removeAll(...made);
  await removeDataFolders();
});

describe('SFTP login with the default identity files', () => {
  it('logs in with ~/.ssh/id_ed25519 when no agent and no identity file are given', async () => {
    const home = await homeWith({ id_ed25519: keyUser.privateKeyPath });
    const { remote, lines } = await login(home);
    try {
      expect(remote.initialFolder).toBe(keyUser.home);
      expect(tried(lines)).toEqual([`Trying publickey (${join(home, '.ssh', 'id_ed25519')})`]);
    } finally {
      await remote.close();
    }
  });

  it("tries them in OpenSSH's order, and leaves out DSA keys as OpenSSH does", async () => {
    const home = await homeWith({ id_ed25519: keyUser.privateKeyPath, id_rsa: 'rsa', id_dsa: 'dsa' });
    const { remote, lines } = await login(home);
    try {
      expect(tried(lines)).toEqual([
        `Trying publickey (${join(home, '.ssh', 'id_rsa')})`,
        `Trying publickey (${join(home, '.ssh', 'id_ed25519')})`,
      ]);
      expect(lines).toContain(`Not using the key ${join(home, '.ssh', 'id_dsa')}: OpenSSH no longer accepts DSA keys`);
    } finally {
      await remote.close();
    }
  });

  it('skips an encrypted default key without its passphrase, and uses it with the passphrase', async () => {
    const home = await homeWith({ id_ed25519: keyUser.encryptedPrivateKeyPath });
    const path = join(home, '.ssh', 'id_ed25519');
    const lines: string[] = [];
    const refused = await failure(
      openSession({
        sftp: { identityFile: undefined, agent: false, homeFolder: home },
        connect: { log: (_kind, text) => lines.push(text) },
      }),
    );
    expect(refused.code).toBe('AUTH_FAILED');
    expect(lines.some((line) => line.startsWith(`Not using the key ${path}: it is encrypted`))).toBe(true);

    const { remote } = await login(home, { passphrase: keyUser.passphrase });
    await remote.close();
  });

  it('tries only the named identity file, not the defaults, when one is given', async () => {
    const home = await homeWith({ id_ed25519: keyUser.privateKeyPath, other: 'ed25519' });
    const error = await failure(
      openSession({ sftp: { identityFile: join(home, '.ssh', 'other'), agent: false, homeFolder: home } }),
    );
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain('publickey (identity file)');
    expect(error.message).not.toContain('id_ed25519');
  });

  describe('with an ssh-agent', () => {
    let agent: ChildProcess | undefined;
    let socket = '';

    beforeAll(async () => {
      const folder = await mkdtemp(join(tmpdir(), 'ferry-agent-'));
      made.push(folder);
      socket = join(folder, 'agent.sock');
      // The agent holds a key the server does not know, so the login goes on to the files.
      const stranger = join(folder, 'stranger');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger], { stdio: 'ignore' });
      agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(50);
      execFileSync('ssh-add', ['-q', stranger], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
    });
    afterAll(() => {
      agent?.kill('SIGTERM');
    });

    it("tries the agent's keys before the default files", async () => {
      const home = await homeWith({ id_ed25519: keyUser.privateKeyPath });
      const { remote, lines } = await login(home, { agent: socket });
      try {
        expect(tried(lines)).toEqual([
          'Trying publickey (agent)',
          `Trying publickey (${join(home, '.ssh', 'id_ed25519')})`,
        ]);
      } finally {
        await remote.close();
      }
    });
  });
});

describe('ferry over sftp:// with the default identity files', () => {
  const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };
  afterAll(() => {
    process.env.HOME = saved.HOME;
    if (saved.SSH_AUTH_SOCK !== undefined) process.env.SSH_AUTH_SOCK = saved.SSH_AUTH_SOCK;
  });

  async function ferryLs(home: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; err: string }> {
    // The CLI takes the home folder from the system, as ssh does.
    process.env.HOME = home;
    delete process.env.SSH_AUTH_SOCK;
    let err = '';
    const code = await runCli(
      ['ls', `sftp://${keyUser.name}@${servers.host}:${sshd.port}/`, '--trust-fingerprint', sshd.hostKeyFingerprint],
      { out: () => undefined, err: (text) => (err += text) },
      { FERRY_HOME: join(home, 'ferry'), ...env },
    );
    return { code, err };
  }

  it('lists with ~/.ssh/id_ed25519, no agent and no --identity', async () => {
    const home = await homeWith({ id_ed25519: keyUser.privateKeyPath });
    expect(await ferryLs(home)).toEqual({ code: EXIT.ok, err: '' });
  });

  it('opens an encrypted ~/.ssh/id_ed25519 with FERRY_PASSPHRASE', async () => {
    const home = await homeWith({ id_ed25519: keyUser.encryptedPrivateKeyPath });
    expect((await ferryLs(home)).code).toBe(EXIT.auth);
    expect((await ferryLs(home, { FERRY_PASSPHRASE: keyUser.passphrase })).code).toBe(EXIT.ok);
  });
});
