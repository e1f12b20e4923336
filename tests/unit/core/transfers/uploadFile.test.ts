import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDisk } from '../../../../electron/core/local/localDisk.js';
import type { UploadOptions } from '../../../../electron/core/remote/remoteFileSystem.js';
import { uploadFile } from '../../../../electron/core/transfers/uploadFile.js';

/** A "server" that silently drops the last byte of every upload. */
class LossyDisk extends LocalDisk {
  override async upload(source: Readable, path: string, options: UploadOptions = {}): Promise<number> {
    const sent = await super.upload(source, path, options);
    const size = (await stat(path)).size;
    await writeFile(path, (await readFile(path)).subarray(0, size - 1));
    return sent;
  }
}

/** A server that answers a size question on its own (as FTP's SIZE does), counting both kinds of question. */
class SizingDisk extends LocalDisk {
  sizes = 0;
  stats = 0;
  async size(path: string): Promise<number> {
    this.sizes += 1;
    return (await stat(path)).size;
  }
  override stat(path: string): ReturnType<LocalDisk['stat']> {
    this.stats += 1;
    return super.stat(path);
  }
}

let folder: string;
let source: string;
let remotePath: string;
let content: Buffer;
const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-upload-'));
  source = join(folder, 'site.tar');
  remotePath = join(folder, 'uploaded.tar');
  content = randomBytes(200_000);
  await writeFile(source, content);
  const when = new Date('2022-02-03T04:05:06Z');
  await utimes(source, when, when);
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('uploadFile', () => {
  it('uploads, checks the size on the server and keeps the modification time', async () => {
    const result = await uploadFile(new LocalDisk(folder), source, remotePath);
    expect(result).toEqual({ transferred: content.length, size: content.length, verified: 'size' });
    expect(sha(await readFile(remotePath))).toBe(sha(content));
    expect((await stat(remotePath)).mtime.toISOString()).toBe('2022-02-03T04:05:06.000Z');
  });

  it.each([1, 100_000, 199_999, 200_000])('resumes after %i bytes the server already has', async (length) => {
    await writeFile(remotePath, content.subarray(0, length));
    const result = await uploadFile(new LocalDisk(folder), source, remotePath, { resume: true });
    expect(result.transferred).toBe(content.length - length);
    expect(sha(await readFile(remotePath))).toBe(sha(content));
  });

  // Up to 256 KiB of what is left is read whole before sending; more is streamed.
  it.each([0, 1, 1_500_000, 2_900_000, 3_000_004])('uploads a 3 MB file, resuming after %i bytes', async (length) => {
    const large = randomBytes(3_000_005);
    await writeFile(source, large);
    await writeFile(remotePath, large.subarray(0, length));
    const result = await uploadFile(new LocalDisk(folder), source, remotePath, { resume: true });
    expect(result).toEqual({ transferred: large.length - length, size: large.length, verified: 'size' });
    expect(sha(await readFile(remotePath))).toBe(sha(large));
  });

  it('sends only the size the caller read, even when the file has grown since', async () => {
    await writeFile(source, Buffer.concat([content, Buffer.from('grown')]));
    const result = await uploadFile(new LocalDisk(folder), source, remotePath, {
      source: { size: content.length, modified: new Date() },
    });
    expect(result.size).toBe(content.length);
    expect(sha(await readFile(remotePath))).toBe(sha(content));
  });

  it('starts over when the server copy is longer than the local file', async () => {
    await writeFile(remotePath, randomBytes(300_000));
    const result = await uploadFile(new LocalDisk(folder), source, remotePath, { resume: true });
    expect(result.transferred).toBe(content.length);
    expect(sha(await readFile(remotePath))).toBe(sha(content));
  });

  it('reports VERIFY_FAILED when the server ends up with a different size', async () => {
    await expect(uploadFile(new LossyDisk(folder), source, remotePath)).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      retryable: true,
      details: { expectedSize: content.length, actualSize: content.length - 1 },
    });
  });

  it('checks the size by the size query of an engine that has one, without a stat', async () => {
    const disk = new SizingDisk(folder);
    const result = await uploadFile(disk, source, remotePath);
    expect(result.verified).toBe('size');
    expect({ sizes: disk.sizes, stats: disk.stats }).toEqual({ sizes: 1, stats: 0 });
  });

  it('still fails the size check through the size query', async () => {
    class LossySizingDisk extends SizingDisk {
      override async upload(source: Readable, path: string, options: UploadOptions = {}): Promise<number> {
        const sent = await super.upload(source, path, options);
        await writeFile(path, (await readFile(path)).subarray(0, 10));
        return sent;
      }
    }
    await expect(uploadFile(new LossySizingDisk(folder), source, remotePath)).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      details: { expectedSize: content.length, actualSize: 10 },
    });
  });

  it('takes the size and the time from an engine that settles them as the upload ends, asking nothing more', async () => {
    /** Sets the time itself and reports the size it wrote, as SFTP does with its closing burst. */
    class FinishingDisk extends SizingDisk {
      setTimes = 0;
      override async upload(source: Readable, path: string, options: UploadOptions = {}): Promise<number> {
        const sent = await super.upload(source, path, options);
        if (options.modified) await utimes(path, options.modified, options.modified);
        options.onFinished?.({ size: (await stat(path)).size, modifiedSet: options.modified !== undefined });
        return sent;
      }
      override async setModified(path: string, modified: Date): Promise<void> {
        this.setTimes += 1;
        await super.setModified(path, modified);
      }
    }
    const disk = new FinishingDisk(folder);
    const result = await uploadFile(disk, source, remotePath, { temporaryPath: `${remotePath}.part` });
    expect(result).toEqual({ transferred: content.length, size: content.length, verified: 'size' });
    expect({ sizes: disk.sizes, stats: disk.stats, setTimes: disk.setTimes }).toEqual({
      sizes: 0,
      stats: 0,
      setTimes: 0,
    });
    expect((await stat(remotePath)).mtime.toISOString()).toBe('2022-02-03T04:05:06.000Z');
    // Told not to keep the time, the engine is not asked to set one either.
    await uploadFile(disk, source, join(folder, 'fresh.tar'), { keepModified: false });
    expect((await stat(join(folder, 'fresh.tar'))).mtime.getFullYear()).toBeGreaterThan(2022);
  });

  it('fails the size check on the size an engine reports', async () => {
    class ShortReportDisk extends SizingDisk {
      override async upload(source: Readable, path: string, options: UploadOptions = {}): Promise<number> {
        const sent = await super.upload(source, path, options);
        options.onFinished?.({ size: 10 });
        return sent;
      }
    }
    const disk = new ShortReportDisk(folder);
    await expect(uploadFile(disk, source, remotePath, { temporaryPath: `${remotePath}.part` })).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      details: { expectedSize: content.length, actualSize: 10 },
    });
    expect(disk.sizes).toBe(0);
    await expect(stat(remotePath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('sends the size the caller read, and takes its time from the caller too', async () => {
    const when = new Date('2021-01-02T03:04:05Z');
    const result = await uploadFile(new LocalDisk(folder), source, remotePath, {
      source: { size: content.length, modified: when },
    });
    expect(result).toEqual({ transferred: content.length, size: content.length, verified: 'size' });
    expect(sha(await readFile(remotePath))).toBe(sha(content));
    expect((await stat(remotePath)).mtime.toISOString()).toBe(when.toISOString());
  });

  it('fails, retryably and before sending, a small file that became shorter than its listed size', async () => {
    const disk = new LocalDisk(folder);
    await expect(
      uploadFile(disk, source, remotePath, { source: { size: content.length + 10, modified: new Date() } }),
    ).rejects.toMatchObject({ code: 'LOCAL_IO', retryable: true });
    await expect(stat(remotePath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('uploads an empty file', async () => {
    await writeFile(source, '');
    const result = await uploadFile(new LocalDisk(folder), source, remotePath);
    expect(result).toEqual({ transferred: 0, size: 0, verified: 'size' });
    expect((await readFile(remotePath)).length).toBe(0);
  });

  it('refuses a missing or non-file source with a clear error', async () => {
    await expect(uploadFile(new LocalDisk(folder), join(folder, 'nope'), remotePath)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(uploadFile(new LocalDisk(folder), folder, remotePath)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('hashes like the local crypto module does', async () => {
    expect(await new LocalDisk(folder).hash(source, 'sha256')).toBe(sha(content));
  });
});
