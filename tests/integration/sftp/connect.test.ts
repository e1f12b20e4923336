// Login methods and host-key trust against the shared OpenSSH sshd.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  dataFolder,
  hostKeyLine,
  keyUser,
  openSession,
  passwordUser,
  removeAll,
  removeDataFolders,
  servers,
  sshd,
} from './sftpTestKit.js';
import { failure } from '../failure.js';

const folders: string[] = [];
async function folder(trusted: boolean): Promise<string> {
  const made = await dataFolder(trusted);
  folders.push(made);
  return made;
}
afterAll(async () => {
  await removeAll(...folders);
  await removeDataFolders();
});

describe('SFTP login', () => {
  it('logs in with a password (answered through keyboard-interactive)', async () => {
    const lines: string[] = [];
    const remote = await openSession({
      user: passwordUser,
      connect: { password: passwordUser.password, log: (_kind, text) => lines.push(text) },
    });
    try {
      expect(remote.initialFolder).toBe(passwordUser.home);
      expect(lines.some((line) => line.includes('keyboard-interactive'))).toBe(true);
    } finally {
      await remote.close();
    }
  });

  it('refuses a wrong password with AUTH_FAILED', async () => {
    const error = await failure(openSession({ user: passwordUser, connect: { password: 'wrong' } }));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.retryable).toBe(false);
  });

  it('logs in with a private key', async () => {
    const remote = await openSession();
    try {
      expect(remote.initialFolder).toBe(keyUser.home);
      expect(remote.capabilities.resumeUpload).toBe(true);
    } finally {
      await remote.close();
    }
  });

  it("turns Nagle's algorithm off on the SSH connection", async () => {
    // With it on, a request written while the one before is unacknowledged
    // waits for the server's delayed ACK: 40 ms stalls in the login and in
    // each file's first requests.
    const noDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    try {
      const remote = await openSession();
      await remote.close();
      expect(noDelay).toHaveBeenCalledWith(true);
    } finally {
      noDelay.mockRestore();
    }
  });

  it('logs in with an encrypted key and its passphrase, and asks for the passphrase without it', async () => {
    const remote = await openSession({
      sftp: { identityFile: keyUser.encryptedPrivateKeyPath, passphrase: keyUser.passphrase },
    });
    await remote.close();
    const missing = await failure(openSession({ sftp: { identityFile: keyUser.encryptedPrivateKeyPath } }));
    expect(missing.code).toBe('AUTH_FAILED');
    expect(missing.details?.needsPassphrase).toBe(true);
    const wrong = await failure(
      openSession({ sftp: { identityFile: keyUser.encryptedPrivateKeyPath, passphrase: 'not it' } }),
    );
    expect(wrong.code).toBe('AUTH_FAILED');
    expect(wrong.details?.badPassphrase).toBe(true);
  });

  describe('with an ssh-agent', () => {
    let agent: ChildProcess | undefined;
    let socket = '';
    let agentFolder = '';

    beforeAll(async () => {
      agentFolder = await mkdtemp(join(tmpdir(), 'ferry-agent-'));
      socket = join(agentFolder, 'agent.sock');
      agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(50);
      execFileSync('ssh-add', ['-q', keyUser.privateKeyPath], {
        env: { ...process.env, SSH_AUTH_SOCK: socket },
        stdio: 'ignore',
      });
    });
    afterAll(async () => {
      agent?.kill('SIGTERM');
      await removeAll(agentFolder);
    });

    it('logs in with a key held by the agent, no key file and no password', async () => {
      const lines: string[] = [];
      const remote = await openSession({
        sftp: { agent: socket, identityFile: undefined },
        connect: { log: (_kind, text) => lines.push(text) },
      });
      try {
        expect(remote.initialFolder).toBe(keyUser.home);
        expect(lines).toContain(`Trying publickey (agent) authentication as ${keyUser.name}`);
        expect(lines.some((line) => line.includes('identity file'))).toBe(false);
      } finally {
        await remote.close();
      }
    });

    it('stops at once when canceled while it waits for an agent that does not answer', async () => {
      const silentSocket = join(agentFolder, 'silent.sock');
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(silentSocket, resolve));
      try {
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 300);
        const started = Date.now();
        const error = await failure(
          openSession({ sftp: { agent: silentSocket }, connect: { signal: controller.signal } }),
        );
        expect(error.code).toBe('CANCELED');
        expect(Date.now() - started).toBeLessThan(2000);
      } finally {
        silent.close();
      }
    });

    it('goes on without an agent that does not answer', async () => {
      const remote = await openSession({ sftp: { agent: join(agentFolder, 'gone.sock') } });
      await remote.close();
    });
  });
});

describe('SFTP host keys', () => {
  it('refuses an unknown key with its type and ssh-keygen fingerprint, then accept-new stores it', async () => {
    const data = await folder(false);
    const unknown = await failure(openSession({ folder: data }));
    expect(unknown.code).toBe('HOSTKEY_UNKNOWN');
    expect(unknown.details).toEqual({
      keyType: sshd.hostKeyAlgorithm,
      fingerprint: sshd.hostKeyFingerprint,
      host: servers.host,
      port: sshd.port,
    });
    expect(existsSync(join(data, 'known_hosts'))).toBe(false);

    const accepted = await openSession({ folder: data, sftp: { acceptNewHostKey: true } });
    await accepted.close();
    expect(await readFile(join(data, 'known_hosts'), 'utf8')).toBe(await hostKeyLine());

    const again = await openSession({ folder: data });
    await again.close();
  });

  it('accepts an unknown key by its fingerprint without storing it, and refuses another fingerprint', async () => {
    const data = await folder(false);
    const trusted = await openSession({ folder: data, sftp: { trustFingerprint: sshd.hostKeyFingerprint } });
    await trusted.close();
    expect(existsSync(join(data, 'known_hosts'))).toBe(false);
    const other = await failure(
      openSession({ folder: data, sftp: { trustFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } }),
    );
    expect(other.code).toBe('HOSTKEY_UNKNOWN');
  });

  it('reads the user known_hosts, hashed entries included', async () => {
    const data = await folder(false);
    const userFile = join(data, 'user_known_hosts');
    await writeFile(userFile, await hostKeyLine());
    execFileSync('ssh-keygen', ['-q', '-H', '-f', userFile], { stdio: 'ignore' });
    expect(await readFile(userFile, 'utf8')).toMatch(/^\|1\|/);
    const remote = await openSession({ folder: data, sftp: { userKnownHostsFile: userFile } });
    await remote.close();
  });

  it('refuses a changed key, whatever accept-new says', async () => {
    const data = await folder(false);
    const other = join(data, 'other');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const [type, blob] = (await readFile(`${other}.pub`, 'utf8')).split(' ');
    await writeFile(join(data, 'known_hosts'), `[${servers.host}]:${sshd.port} ${type ?? ''} ${blob ?? ''}\n`);
    const changed = await failure(openSession({ folder: data, sftp: { acceptNewHostKey: true } }));
    expect(changed.code).toBe('HOSTKEY_MISMATCH');
    expect(changed.details?.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect((await readFile(join(data, 'known_hosts'), 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
  });
});
