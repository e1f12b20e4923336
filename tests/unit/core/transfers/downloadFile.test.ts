import { createHash, randomBytes } from 'node:crypto';
import { link, lstat, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileEntry } from '../../../../shared/entries.js';
import { FerryError } from '../../../../shared/errors.js';
import { LocalDisk } from '../../../../electron/core/local/localDisk.js';
import type { TransferOptions } from '../../../../electron/core/remote/remoteFileSystem.js';
import { downloadFile } from '../../../../electron/core/transfers/downloadFile.js';
import { partialPathFor } from '../../../../electron/core/transfers/partialFile.js';

/** The local disk as a "server" that can be told to drop the connection after N bytes or to lie about sizes. */
class FlakyDisk extends LocalDisk {
  failAfter: number | null = null;
  reportedSize: number | null = null;

  override async stat(path: string): Promise<FileEntry> {
    const entry = await super.stat(path);
    return this.reportedSize === null ? entry : { ...entry, size: this.reportedSize };
  }

  override async download(path: string, destination: Writable, options: TransferOptions = {}): Promise<number> {
    const limit = this.failAfter;
    if (limit === null) return super.download(path, destination, options);
    const offset = options.offset ?? 0;
    const data = (await readFile(path)).subarray(offset, offset + limit);
    await new Promise<void>((resolve, reject) =>
      destination.write(data, (error) => (error ? reject(error) : resolve())),
    );
    throw new FerryError('CONNECTION_LOST', 'The server closed the connection');
  }
}

let folder: string;
let source: string;
let target: string;
let content: Buffer;
const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-download-'));
  source = join(folder, 'image.bin');
  target = join(folder, 'copy.bin');
  content = randomBytes(300_000);
  await writeFile(source, content);
  const when = new Date('2021-06-07T08:09:10Z');
  await utimes(source, when, when);
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('downloadFile', () => {
  it('writes through a partial file, renames it into place and keeps the modification time', async () => {
    const progress: number[] = [];
    const result = await downloadFile(new LocalDisk(folder), source, target, {
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(result).toEqual({ transferred: content.length, size: content.length, verified: 'size' });
    expect(sha(await readFile(target))).toBe(sha(content));
    await expect(lstat(partialPathFor(target))).rejects.toThrow();
    expect((await stat(target)).mtime.toISOString()).toBe('2021-06-07T08:09:10.000Z');
    expect(progress.at(-1)).toBe(content.length);
  });

  it('leaves only the partial after a dropped connection, and resumes from it', async () => {
    const disk = new FlakyDisk(folder);
    disk.failAfter = 100_000;
    await expect(downloadFile(disk, source, target)).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    await expect(lstat(target)).rejects.toThrow();
    expect((await stat(partialPathFor(target))).size).toBe(100_000);

    disk.failAfter = null;
    const result = await downloadFile(disk, source, target, { resume: true });
    expect(result.transferred).toBe(content.length - 100_000);
    expect(sha(await readFile(target))).toBe(sha(content));
  });

  it.each([0, 1, 299_999])('resumes from a partial of %i bytes', async (length) => {
    await writeFile(partialPathFor(target), content.subarray(0, length));
    const result = await downloadFile(new LocalDisk(folder), source, target, { resume: true });
    expect(result.transferred).toBe(content.length - length);
    expect(sha(await readFile(target))).toBe(sha(content));
  });

  it('starts over without --continue, and when the partial is longer than the file', async () => {
    await writeFile(partialPathFor(target), randomBytes(1000));
    await downloadFile(new LocalDisk(folder), source, target);
    expect(sha(await readFile(target))).toBe(sha(content));

    await writeFile(partialPathFor(target), randomBytes(400_000));
    const result = await downloadFile(new LocalDisk(folder), source, target, { resume: true });
    expect(result.transferred).toBe(content.length);
    expect(sha(await readFile(target))).toBe(sha(content));
  });

  it('refuses to write through a symlink planted at the partial name', async () => {
    const victim = join(folder, 'victim.txt');
    await writeFile(victim, 'precious');
    await symlink(victim, partialPathFor(target));
    await expect(downloadFile(new LocalDisk(folder), source, target, { resume: true })).rejects.toMatchObject({
      code: 'LOCAL_IO',
    });
    expect(await readFile(victim, 'utf8')).toBe('precious');
    await expect(lstat(target)).rejects.toThrow();
  });

  it('fails verification when the size differs from what the server reported, keeping the partial', async () => {
    const disk = new FlakyDisk(folder);
    disk.reportedSize = content.length + 10;
    const failure = downloadFile(disk, source, target);
    await expect(failure).rejects.toBeInstanceOf(FerryError);
    await expect(failure).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      details: { expectedSize: content.length + 10, actualSize: content.length },
    });
    await expect(lstat(target)).rejects.toThrow();
    expect((await stat(partialPathFor(target))).size).toBe(content.length);
  });

  it('reports CANCELED when aborted and keeps the partial', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      downloadFile(new LocalDisk(folder), source, target, { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'CANCELED',
    });
    await expect(lstat(target)).rejects.toThrow();
  });

  it('keeps a file that appeared under the final name during the download, unless told to replace', async () => {
    /** A server whose download lets another program create the target halfway. */
    class RacedDisk extends LocalDisk {
      override async download(path: string, destination: Writable, options: TransferOptions = {}): Promise<number> {
        await writeFile(target, 'made meanwhile');
        return super.download(path, destination, options);
      }
    }
    const refused = downloadFile(new RacedDisk(folder), source, target, { replace: false });
    await expect(refused).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(refused).rejects.toThrow(
      `${target} exists now and was left alone; the download is complete in ${partialPathFor(target)}`,
    );
    expect(await readFile(target, 'utf8')).toBe('made meanwhile');
    expect(sha(await readFile(partialPathFor(target)))).toBe(sha(content));

    // The file was there when the download began (the user chose to overwrite it).
    await rm(partialPathFor(target));
    await downloadFile(new RacedDisk(folder), source, target, { replace: true });
    expect(sha(await readFile(target))).toBe(sha(content));
  });

  it.each([false, true])(
    'leaves the file alone when its partial is another name of it, left by a move into place cut short (resume: %s)',
    async (resume) => {
      const users = randomBytes(200_000);
      await writeFile(target, users);
      await link(target, partialPathFor(target));
      const disk = new FlakyDisk(folder);
      disk.failAfter = 100_000;
      await expect(downloadFile(disk, source, target, { resume })).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
      expect(sha(await readFile(target))).toBe(sha(users));
      expect(sha(await readFile(partialPathFor(target)))).toBe(sha(content.subarray(0, 100_000)));
    },
  );

  it('refuses to download a folder', async () => {
    await expect(downloadFile(new LocalDisk(folder), folder, target)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('downloadFile with sync', () => {
  it('flushes and still lands the same bytes under the final name', async () => {
    const result = await downloadFile(new LocalDisk(folder), source, target, { sync: true });
    expect(result.size).toBe(content.length);
    expect(sha(await readFile(target))).toBe(sha(content));
    await expect(lstat(partialPathFor(target))).rejects.toThrow();
  });
});

describe('downloadFile with a hash check', () => {
  const serverHash = {
    algorithm: 'sha256' as const,
    source: 'server' as const,
    expected: () => Promise.resolve(sha(content)),
  };

  it('downloads the whole file again when a resumed partial fails the hash, instead of failing each retry', async () => {
    // A partial from an earlier attempt whose bytes went wrong.
    await writeFile(partialPathFor(target), randomBytes(100_000));
    const result = await downloadFile(new LocalDisk(folder), source, target, { resume: true, hashCheck: serverHash });
    expect(result.verified).toBe('sha256');
    expect(sha(await readFile(target))).toBe(sha(content));
  });

  it('does the same for a complete partial that failed the hash before', async () => {
    const wrong = Buffer.from(content);
    wrong[1234] = (wrong[1234] ?? 0) ^ 0xff;
    await writeFile(partialPathFor(target), wrong);
    await downloadFile(new LocalDisk(folder), source, target, { resume: true, hashCheck: serverHash });
    expect(sha(await readFile(target))).toBe(sha(content));
  });

  it('keeps the partial and fails when a fresh download does not match', async () => {
    const lying = { ...serverHash, expected: () => Promise.resolve('0'.repeat(64)) };
    await expect(downloadFile(new LocalDisk(folder), source, target, { hashCheck: lying })).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
    });
    expect((await stat(partialPathFor(target))).size).toBe(content.length);
    await expect(lstat(target)).rejects.toThrow();
  });
});
