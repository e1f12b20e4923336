import { createHash } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../../../shared/errors.js';
import { checkHash } from '../../../../electron/core/transfers/verify.js';

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-verify-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** How many of this process's file descriptors are open on `path` (Linux's /proc). */
function openCount(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(join('/proc/self/fd', fd)) === path;
    } catch {
      return false;
    }
  }).length;
}

describe('checkHash', () => {
  it('passes a matching hash and names both values when they differ', async () => {
    const path = join(folder, 'small.txt');
    await writeFile(path, 'hello');
    const hex = createHash('sha256').update('hello').digest('hex');
    await checkHash(
      path,
      { algorithm: 'sha256', source: 'user', expected: () => Promise.resolve(hex.toUpperCase()) },
      'small.txt',
    );
    const wrong = checkHash(
      path,
      { algorithm: 'sha256', source: 'server', expected: () => Promise.resolve('ab'.repeat(32)) },
      'small.txt',
    );
    await expect(wrong).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      details: { expected: 'ab'.repeat(32), actual: hex },
    });
  });

  it.runIf(process.platform === 'linux')(
    'stops reading the local file once the server fails to give its hash',
    async () => {
      const path = join(folder, 'large.bin');
      await writeFile(path, '');
      await truncate(path, 2 * 1024 * 1024 * 1024);
      let refuse: (error: Error) => void = () => undefined;
      const failing = checkHash(
        path,
        { algorithm: 'sha512', source: 'server', expected: () => new Promise((_, reject) => (refuse = reject)) },
        'large.bin',
      );
      await expect.poll(() => openCount(path), { timeout: 2000, interval: 5 }).toBe(1);
      refuse(new FerryError('UNSUPPORTED', 'no HASH'));
      await expect(failing).rejects.toMatchObject({ code: 'UNSUPPORTED' });
      // Hashing 2 GiB takes seconds; a stopped read closes its file at once.
      await expect.poll(() => openCount(path), { timeout: 500, interval: 10 }).toBe(0);
    },
  );
});
