// One large file (256 MiB, made once) through vsftpd in a few of the
// mode/TLS combinations, checked by SHA-256. The other combinations move a
// 3 MiB file in vsftpd.test.ts; this keeps the suite's run time modest.
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, mkdtempSync, openSync, writeSync, closeSync, chownSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { uploadFile } from '../../../electron/core/transfers/uploadFile.js';
import { connect, scratchFolder, user, type DataMode, type TlsVariant } from './ftpFixtures.js';

const LARGE_SIZE = 256 * 1024 * 1024;
const scratch = scratchFolder('large');
const local = mkdtempSync(join(tmpdir(), 'ferry-ftp-large-'));
const source = join(scratch.local, 'large.bin');
let expectedHash = '';

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

beforeAll(() => {
  // Random content in 8 MiB blocks, hashed as it is written.
  const hash = createHash('sha256');
  const block = Buffer.alloc(8 * 1024 * 1024);
  const fd = openSync(source, 'w');
  try {
    for (let written = 0; written < LARGE_SIZE; written += block.length) {
      randomFillSync(block);
      hash.update(block);
      writeSync(fd, block);
    }
  } finally {
    closeSync(fd);
  }
  chownSync(source, user.uid, user.gid);
  expectedHash = hash.digest('hex');
});

afterAll(() => {
  scratch.remove();
  rmSync(local, { recursive: true, force: true });
});

describe('a 256 MiB file through vsftpd', () => {
  it.each<[TlsVariant, DataMode]>([
    ['plain', 'passive'],
    ['explicit', 'active'],
    ['implicit', 'passive'],
  ])('downloads it over %s FTP, %s mode, intact', async (variant, mode) => {
    const session = await connect(variant, mode);
    const target = join(local, `${variant}-${mode}.bin`);
    try {
      const result = await downloadFile(session.remote, source, target);
      expect(result).toMatchObject({ transferred: LARGE_SIZE, size: LARGE_SIZE, verified: 'size' });
      expect(await fileSha256(target)).toBe(expectedHash);
    } finally {
      rmSync(target, { force: true });
      await session.remote.close();
    }
  });

  it.each<[TlsVariant, DataMode]>([
    ['explicit', 'passive'],
    ['plain', 'active'],
  ])('uploads it over %s FTP, %s mode, intact', async (variant, mode) => {
    const session = await connect(variant, mode);
    const remotePath = join(scratch.remote, `up-${variant}-${mode}.bin`);
    try {
      const result = await uploadFile(session.remote, source, remotePath);
      expect(result).toMatchObject({ transferred: LARGE_SIZE, size: LARGE_SIZE, verified: 'size' });
      expect(await fileSha256(remotePath)).toBe(expectedHash);
    } finally {
      rmSync(remotePath, { force: true });
      await session.remote.close();
    }
  });
});
