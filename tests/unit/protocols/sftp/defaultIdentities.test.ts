import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_IDENTITY_FILES,
  loadDefaultIdentities,
} from '../../../../electron/core/protocols/sftp/defaultIdentities.js';

let home = '';
let lines: string[] = [];
const log = (_kind: string, text: string): void => {
  lines.push(text);
};

async function putKey(name: string, content: string): Promise<string> {
  await mkdir(join(home, '.ssh'), { recursive: true });
  const path = join(home, '.ssh', name);
  await writeFile(path, content, { mode: 0o600 });
  return path;
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'ferry-default-keys-'));
  lines = [];
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('the default identity files', () => {
  it("are OpenSSH's, in its order", () => {
    expect(DEFAULT_IDENTITY_FILES).toEqual([
      'id_rsa',
      'id_ecdsa',
      'id_ecdsa_sk',
      'id_ed25519',
      'id_ed25519_sk',
      'id_dsa',
    ]);
  });

  it('are none, and say nothing, when the home folder has no .ssh', async () => {
    expect(await loadDefaultIdentities(home, undefined, log)).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("come back in OpenSSH's order, whatever order they were made in", async () => {
    const ed25519 = await putKey('id_ed25519', utils.generateKeyPairSync('ed25519').private);
    const ecdsa = await putKey('id_ecdsa', utils.generateKeyPairSync('ecdsa', { bits: 256 }).private);
    const rsa = await putKey('id_rsa', utils.generateKeyPairSync('rsa', { bits: 2048 }).private);
    const loaded = await loadDefaultIdentities(home, undefined, log);
    expect(loaded.map(({ path }) => path)).toEqual([rsa, ecdsa, ed25519]);
    expect(loaded.map(({ key }) => key.type)).toEqual(['ssh-rsa', 'ecdsa-sha2-nistp256', 'ssh-ed25519']);
    expect(lines).toEqual([]);
  });

  it('skip an encrypted key without its passphrase or with a wrong one, with a line in the log', async () => {
    const pair = utils.generateKeyPairSync('ed25519', { passphrase: 'secret', cipher: 'aes256-ctr', rounds: 2 });
    const path = await putKey('id_ed25519', pair.private);
    const plain = await putKey('id_ecdsa', utils.generateKeyPairSync('ecdsa', { bits: 256 }).private);

    expect((await loadDefaultIdentities(home, undefined, log)).map((identity) => identity.path)).toEqual([plain]);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^Not using the key ${path}: it is encrypted and no passphrase`)),
    ]);

    lines = [];
    expect((await loadDefaultIdentities(home, 'not it', log)).map((identity) => identity.path)).toEqual([plain]);
    expect(lines).toEqual([`Not using the key ${path}: it is encrypted and the passphrase given does not open it`]);

    lines = [];
    const opened = await loadDefaultIdentities(home, 'secret', log);
    expect(opened.map((identity) => identity.path)).toEqual([plain, path]);
    expect(opened[1]?.key.isPrivateKey()).toBe(true);
    expect(lines).toEqual([]);
  });

  it('skip what cannot be read or is no private key, and keep the rest', async () => {
    const good = await putKey('id_ed25519', utils.generateKeyPairSync('ed25519').private);
    await putKey('id_rsa', utils.generateKeyPairSync('rsa', { bits: 2048 }).public);
    await putKey('id_dsa', 'not a key\n');
    await mkdir(join(home, '.ssh', 'id_ecdsa_sk'));
    const loaded = await loadDefaultIdentities(home, undefined, log);
    expect(loaded.map(({ path }) => path)).toEqual([good]);
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toContain(`Not using the key ${join(home, '.ssh', 'id_rsa')}: `);
    expect(lines.join('\n')).toContain(`Not using the key ${join(home, '.ssh', 'id_ecdsa_sk')}: `);
    expect(lines.join('\n')).toContain(`Not using the key ${join(home, '.ssh', 'id_dsa')}: `);
  });
});
