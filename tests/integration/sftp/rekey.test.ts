// OpenSSH servers exchange keys again during a long session (after 1 GiB
// with chacha20-poly1305, 64 GiB with AES, or at their RekeyLimit). Transfers
// must carry on through every re-exchange on the same connection, both
// ways, without a reconnect. A private sshd with a RekeyLimit of 4 MiB
// re-exchanges keys every few MiB.
import { randomBytes } from 'node:crypto';
import { chown, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { uploadFile } from '../../../electron/core/transfers/uploadFile.js';
import { createExtraSshd, type ExtraSshd } from '../../servers/extraSshd.js';
import { dataFolder, keyUser, openSession, removeAll, removeDataFolders, sha256, uniqueName } from './sftpTestKit.js';

const SIZE = 24 * 1024 * 1024 + 777;
const content = randomBytes(SIZE);
let server: ExtraSshd;
let folder = '';
let local = '';
let trustFolder = '';

beforeAll(async () => {
  server = await createExtraSshd(['RekeyLimit 4M']);
  await server.start();
  folder = join(keyUser.home, uniqueName('rekey'));
  await mkdir(folder);
  await chown(folder, keyUser.uid, keyUser.gid);
  local = await mkdtemp(join(tmpdir(), 'ferry-sftp-rekey-'));
  trustFolder = await dataFolder(true, server.port);
  await writeFile(join(local, 'source.bin'), content);
});

afterAll(async () => {
  await server.dispose();
  await removeAll(folder, local, trustFolder);
  await removeDataFolders();
});

describe.each(['chacha20-poly1305@openssh.com', 'aes128-gcm@openssh.com'])(
  'SFTP through key re-exchanges (%s)',
  (cipher) => {
    it('uploads and downloads 24 MiB on one connection while the server re-keys every 4 MiB', async () => {
      const log: string[] = [];
      const session = await openSession({
        port: server.port,
        folder: trustFolder,
        sftp: { ciphers: [cipher] },
        connect: { log: (kind, text) => log.push(`[${kind}] ${text}`) },
      });
      try {
        const remotePath = join(folder, `up-${cipher.slice(0, 6)}.bin`);
        await uploadFile(session, join(local, 'source.bin'), remotePath);
        expect(sha256(await readFile(remotePath))).toBe(sha256(content));

        const target = join(local, `down-${cipher.slice(0, 6)}.bin`);
        await downloadFile(session, remotePath, target);
        expect(sha256(await readFile(target))).toBe(sha256(content));
      } finally {
        await session.close();
      }
      // The login's key exchange, then at least one re-exchange per 4 MiB each way; never an error or a reconnect.
      const exchanges = log.filter((line) => line.includes('SSH handshake')).length;
      expect(exchanges).toBeGreaterThan(SIZE / (4 * 1024 * 1024));
      expect(log.filter((line) => line.startsWith('[error]'))).toEqual([]);
      expect(log.filter((line) => line.includes('Connecting to'))).toHaveLength(1);
    });
  },
);
