// The generic `ferry ls|get|put` over sftp://, run in-process as a user
// would call it: identity file, host key prompts as exit codes, resume, JSON.
import { chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../electron/cli/exitCodes.js';
import { runCli } from '../../../electron/cli/run.js';
import { keyUser, removeAll, servers, sha256, sshd, uniqueName } from './sftpTestKit.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

let home = '';
let ferryHome = '';
let local = '';
let folder = '';
const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };

async function ferry(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(
    argv,
    {
      out: (text) => {
        out += text;
      },
      err: (text) => {
        err += text;
      },
    },
    { FERRY_HOME: ferryHome, ...env },
  );
  return { code, out, err };
}

const base = (): string => `sftp://${keyUser.name}@${servers.host}:${sshd.port}`;

beforeAll(async () => {
  // A HOME of its own, so the tester's ~/.ssh/known_hosts and agent change nothing.
  home = await mkdtemp(join(tmpdir(), 'ferry-cli-home-'));
  process.env.HOME = home;
  delete process.env.SSH_AUTH_SOCK;
  ferryHome = join(home, 'ferry');
  local = join(home, 'local');
  await mkdir(local);
  folder = join(keyUser.home, uniqueName('cli'));
  await mkdir(folder);
  await chown(folder, keyUser.uid, keyUser.gid);
});

afterAll(async () => {
  process.env.HOME = saved.HOME;
  if (saved.SSH_AUTH_SOCK !== undefined) process.env.SSH_AUTH_SOCK = saved.SSH_AUTH_SOCK;
  await removeAll(home, folder);
});

describe('ferry over sftp://', () => {
  it('exits 5 on an unknown host key and prints its fingerprint; --trust-fingerprint and --accept-new-host-key get in', async () => {
    const url = `${base()}${folder}/`;
    const unknown = await ferry(['ls', url, '--identity', keyUser.privateKeyPath]);
    expect(unknown.code).toBe(EXIT.trust);
    expect(unknown.err).toContain(sshd.hostKeyFingerprint);

    const json = await ferry(['ls', url, '--identity', keyUser.privateKeyPath, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({
      error: { code: 'HOSTKEY_UNKNOWN', details: { fingerprint: sshd.hostKeyFingerprint } },
    });

    const trusted = await ferry([
      'ls',
      url,
      '-i',
      keyUser.privateKeyPath,
      '--trust-fingerprint',
      sshd.hostKeyFingerprint,
    ]);
    expect(trusted.code).toBe(EXIT.ok);
    const wrong = await ferry([
      'ls',
      url,
      '-i',
      keyUser.privateKeyPath,
      '--trust-fingerprint',
      `SHA256:${'A'.repeat(43)}`,
    ]);
    expect(wrong.code).toBe(EXIT.trust);

    const accepted = await ferry(['ls', url, '-i', keyUser.privateKeyPath, '--accept-new-host-key']);
    expect(accepted.code).toBe(EXIT.ok);
    expect(await readFile(join(ferryHome, 'known_hosts'), 'utf8')).toContain(
      `[${servers.host}]:${sshd.port} ssh-ed25519 `,
    );
    const again = await ferry(['ls', url, '-i', keyUser.privateKeyPath]);
    expect(again.code).toBe(EXIT.ok);
  });

  it('lists as JSON, and puts and gets with --continue', async () => {
    const content = randomBytes(2 * 1024 * 1024 + 17);
    const source = join(local, 'payload.bin');
    await writeFile(source, content);
    const remotePath = join(folder, 'payload.bin');
    // An earlier upload left part of it (SFTP uploads go to NAME.ferrypart,
    // renamed when complete): put --continue sends the rest.
    await writeFile(`${remotePath}.ferrypart`, content.subarray(0, 1_000_000));
    await chown(`${remotePath}.ferrypart`, keyUser.uid, keyUser.gid);
    const put = await ferry([
      'put',
      source,
      `${base()}${folder}/`,
      '-i',
      keyUser.privateKeyPath,
      '--continue',
      '--json',
      '-v',
    ]);
    expect(put.code).toBe(EXIT.ok);
    expect(JSON.parse(put.out)).toMatchObject({ files: 1, bytes: content.length, verified: 'size' });
    // The session log shows where the upload started: after the bytes already there.
    expect(put.err).toContain(`WRITE ${remotePath}.ferrypart from byte 1000000`);
    expect(sha256(await readFile(remotePath))).toBe(sha256(content));
    await expect(stat(`${remotePath}.ferrypart`)).rejects.toThrow();

    const target = join(local, 'back.bin');
    await writeFile(`${target}.ferrypart`, content.subarray(0, 123_456));
    const get = await ferry([
      'get',
      `${base()}${remotePath}`,
      target,
      '-i',
      keyUser.privateKeyPath,
      '-c',
      '--json',
      '-v',
    ]);
    expect(get.code).toBe(EXIT.ok);
    expect(JSON.parse(get.out)).toMatchObject({ files: 1, bytes: content.length, verified: 'size' });
    expect(get.err).toContain(`READ ${remotePath} from byte 123456`);
    expect(sha256(await readFile(target))).toBe(sha256(content));

    const listed = await ferry(['ls', `${base()}${folder}/`, '-i', keyUser.privateKeyPath, '--json']);
    const parsed = JSON.parse(listed.out) as { entries: { name: string; size: number }[] };
    expect(parsed.entries).toContainEqual(expect.objectContaining({ name: 'payload.bin', size: content.length }));
  });

  it('takes the key passphrase from FERRY_PASSPHRASE and prints the session with -v', async () => {
    const url = `${base()}${folder}/`;
    const withPassphrase = await ferry(['ls', url, '-i', keyUser.encryptedPrivateKeyPath, '-v'], {
      FERRY_PASSPHRASE: keyUser.passphrase,
    });
    expect(withPassphrase.code).toBe(EXIT.ok);
    expect(withPassphrase.err).toContain('SSH handshake');
    expect(withPassphrase.err).toContain('publickey (identity file)');
    const without = await ferry(['ls', url, '-i', keyUser.encryptedPrivateKeyPath]);
    expect(without.code).toBe(EXIT.auth);
  });

  it('exits 6 for a missing remote file and leaves no file behind', async () => {
    const target = join(local, 'missing.bin');
    const run = await ferry(['get', `${base()}${folder}/missing.bin`, target, '-i', keyUser.privateKeyPath]);
    expect(run.code).toBe(EXIT.notFound);
    await expect(stat(target)).rejects.toThrow();
    await rm(`${target}.ferrypart`, { force: true });
  });

  it('refuses --verify sha256 where the server computes no hashes, before moving anything', async () => {
    const source = join(local, 'to-verify.bin');
    await writeFile(source, randomBytes(1000));
    const put = await ferry(['put', '--verify', 'sha256', source, `${base()}${folder}/`, '-i', keyUser.privateKeyPath]);
    expect(put.code).toBe(EXIT.protocol);
    expect(put.err).toContain('cannot compute sha256 hashes');
    await expect(stat(join(folder, 'to-verify.bin'))).rejects.toThrow();

    // auto checks what it can: the size.
    const auto = await ferry(['put', '--json', source, `${base()}${folder}/`, '-i', keyUser.privateKeyPath]);
    expect(auto.code).toBe(EXIT.ok);
    expect((JSON.parse(auto.out) as { verified: string }).verified).toBe('size');
  });
});
