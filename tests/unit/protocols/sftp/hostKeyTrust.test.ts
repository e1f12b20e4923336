import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkHostKey,
  loadKnownHosts,
  type HostKeyPolicy,
} from '../../../../electron/core/protocols/sftp/hostKeyTrust.js';
import { judgeHostKey } from '../../../../electron/core/protocols/sftp/knownHosts.js';

/** An ed25519 public key blob whose 32 key bytes are all `fill`. */
function ed25519(fill: number): Buffer {
  const type = Buffer.from('ssh-ed25519');
  const typeLength = Buffer.alloc(4);
  typeLength.writeUInt32BE(type.length);
  const key = Buffer.alloc(36, fill);
  key.writeUInt32BE(32, 0);
  return Buffer.concat([typeLength, type, key]);
}

let folder: string;
let file: string;
const policy = (host: string): HostKeyPolicy => ({
  host,
  port: 2222,
  ferryKnownHosts: file,
  userKnownHosts: null,
  acceptNew: true,
  trustFingerprint: undefined,
  log: () => undefined,
});

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-host-key-trust-'));
  file = join(folder, 'known_hosts');
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('storing a new host key (accept-new)', () => {
  it('keeps the last entry of a hand-edited file that lacks its final newline', async () => {
    await writeFile(file, `[a.example]:2222 ssh-ed25519 ${ed25519(1).toString('base64')}`);
    await checkHostKey(policy('b.example'), ed25519(2));
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(3);
    const known = await loadKnownHosts(policy('a.example'));
    expect(judgeHostKey(known, 'a.example', 2222, 'ssh-ed25519', ed25519(9)).status).toBe('changed');
    expect(judgeHostKey(known, 'b.example', 2222, 'ssh-ed25519', ed25519(2)).status).toBe('known');
  });

  it('creates the file when there is none', async () => {
    await checkHostKey(policy('b.example'), ed25519(2));
    expect(await readFile(file, 'utf8')).toBe(`[b.example]:2222 ssh-ed25519 ${ed25519(2).toString('base64')}\n`);
  });
});
