// Downloads and uploads through the pipelined loops, against the shared
// OpenSSH sshd: exact bytes, resume at every interesting offset, cancel
// then reuse, mtime kept, and one large file each way checked by SHA-256.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SftpFileSystem } from '../../../electron/core/protocols/sftp/sftpFileSystem.js';
import type { UploadFacts } from '../../../electron/core/remote/remoteFileSystem.js';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { uploadFile } from '../../../electron/core/transfers/uploadFile.js';
import { keyUser, openSession, removeAll, removeDataFolders, sha256, sha256File, uniqueName } from './sftpTestKit.js';
import { failure } from '../failure.js';

const LARGE_SIZE = 256 * 1024 * 1024 + 12_345;

let remote: SftpFileSystem;
let folder = '';
let local = '';

/** A Writable that keeps what it gets (for small downloads). */
function collector(): { stream: Writable; data: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, data: () => Buffer.concat(chunks) };
}

async function remoteFixture(name: string, content: Buffer): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, content);
  await chown(path, keyUser.uid, keyUser.gid);
  return path;
}

beforeAll(async () => {
  folder = join(keyUser.home, uniqueName('xfer'));
  await mkdir(folder);
  await chown(folder, keyUser.uid, keyUser.gid);
  local = await mkdtemp(join(tmpdir(), 'ferry-sftp-xfer-'));
  remote = await openSession();
});

afterAll(async () => {
  await remote.close();
  await removeAll(folder, local);
  await removeDataFolders();
});

describe('SFTP transfers', () => {
  // Not a multiple of any request size, so the last request is short.
  const data = randomBytes(3 * 255 * 1024 + 777);

  it('downloads and uploads exact bytes, with progress up to the size', async () => {
    const path = await remoteFixture('exact.bin', data);
    const sink = collector();
    const progress: number[] = [];
    expect(await remote.download(path, sink.stream, { onProgress: (bytes) => progress.push(bytes) })).toBe(data.length);
    expect(sha256(sink.data())).toBe(sha256(data));
    expect(progress.at(-1)).toBe(data.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const target = join(folder, 'uploaded.bin');
    const sent: number[] = [];
    expect(await remote.upload(Readable.from([data]), target, { onProgress: (bytes) => sent.push(bytes) })).toBe(
      data.length,
    );
    expect(sha256(await readFile(target))).toBe(sha256(data));
    expect(sent.at(-1)).toBe(data.length);
  });

  it('moves empty files both ways', async () => {
    const path = await remoteFixture('empty.bin', Buffer.alloc(0));
    const sink = collector();
    expect(await remote.download(path, sink.stream)).toBe(0);
    const target = join(folder, 'empty-up.bin');
    expect(await remote.upload(Readable.from([]), target)).toBe(0);
    expect((await stat(target)).size).toBe(0);
  });

  it('sets the time and learns the size with the close, in the same burst', async () => {
    const when = new Date('2020-02-02T02:02:02Z');
    const target = join(folder, 'finished.bin');
    const facts: UploadFacts[] = [];
    const sent = await remote.upload(Readable.from([data]), target, {
      modified: when,
      onFinished: (learned) => facts.push(learned),
    });
    expect(sent).toBe(data.length);
    expect(facts).toEqual([{ size: data.length, modifiedSet: true }]);
    expect((await stat(target)).mtimeMs).toBe(when.getTime());
    // Without a time to set, only the size is reported.
    await remote.upload(Readable.from([data.subarray(0, 10)]), target, {
      onFinished: (learned) => facts.push(learned),
    });
    expect(facts[1]).toEqual({ size: 10, modifiedSet: false });
  });

  it.each([0, 1, data.length - 1, data.length])('resumes a download at byte %i', async (offset) => {
    const path = await remoteFixture(`resume-down-${offset}.bin`, data);
    const sink = collector();
    expect(await remote.download(path, sink.stream, { offset })).toBe(data.length - offset);
    expect(sink.data().equals(data.subarray(offset))).toBe(true);
  });

  it.each([0, 1, data.length - 1, data.length])(
    'resumes an upload at byte %i, replacing what follows',
    async (offset) => {
      // The server's copy holds the right prefix and then junk that must go.
      const path = await remoteFixture(
        `resume-up-${offset}.bin`,
        Buffer.concat([data.subarray(0, offset), randomBytes(5000)]),
      );
      expect(await remote.upload(Readable.from([data.subarray(offset)]), path, { offset })).toBe(data.length - offset);
      expect(sha256(await readFile(path))).toBe(sha256(data));
    },
  );

  it('resumes through downloadFile and uploadFile, keeping modification times', async () => {
    const path = await remoteFixture('keep-time.bin', data);
    const when = new Date('2021-06-01T08:00:00Z');
    await utimes(path, when, when);
    const target = join(local, 'keep-time.bin');
    await writeFile(`${target}.ferrypart`, data.subarray(0, 1000));
    const down = await downloadFile(remote, path, target, { resume: true });
    expect(down).toEqual({ transferred: data.length - 1000, size: data.length, verified: 'size' });
    expect(sha256(await readFile(target))).toBe(sha256(data));
    expect((await stat(target)).mtimeMs).toBe(when.getTime());

    const upTarget = join(folder, 'keep-time-up.bin');
    await remoteFixture('keep-time-up.bin', data.subarray(0, 4321));
    const up = await uploadFile(remote, target, upTarget, { resume: true });
    expect(up).toEqual({ transferred: data.length - 4321, size: data.length, verified: 'size' });
    expect(sha256(await readFile(upTarget))).toBe(sha256(data));
    expect((await stat(upTarget)).mtimeMs).toBe(when.getTime());
  });

  it('reports NOT_FOUND and PERMISSION_DENIED for transfers that cannot start', async () => {
    expect((await failure(remote.download(join(folder, 'missing.bin'), collector().stream))).code).toBe('NOT_FOUND');
    expect((await failure(remote.upload(Readable.from([data]), '/root/forbidden.bin'))).code).toBe('PERMISSION_DENIED');
  });

  it('cancels a download mid-way, then the same session works', async () => {
    const big = randomBytes(32 * 1024 * 1024);
    const path = await remoteFixture('cancel-down.bin', big);
    const controller = new AbortController();
    let seen = 0;
    const slow = new Writable({
      highWaterMark: 1024 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        if (seen > 4 * 1024 * 1024) controller.abort();
        setImmediate(callback);
      },
    });
    const error = await failure(remote.download(path, slow, { signal: controller.signal }));
    expect(error.code).toBe('CANCELED');
    expect(seen).toBeLessThan(big.length);

    const again = collector();
    expect(await remote.download(path, again.stream)).toBe(big.length);
    expect(sha256(again.data())).toBe(sha256(big));
    expect((await remote.list(folder)).some((entry) => entry.name === 'cancel-down.bin')).toBe(true);
  });

  it('asks the server to flush an upload to disk unless told not to', async () => {
    const upload = async (fsyncUploads: boolean | undefined): Promise<string[]> => {
      const lines: string[] = [];
      const session = await openSession({
        sftp: fsyncUploads === undefined ? {} : { fsyncUploads },
        connect: { log: (_kind, text) => lines.push(text) },
      });
      try {
        const target = join(folder, uniqueName('flushed'));
        expect(await session.upload(Readable.from([data]), target)).toBe(data.length);
        expect(sha256(await readFile(target))).toBe(sha256(data));
      } finally {
        await session.close();
      }
      return lines;
    };
    const flushed = (lines: string[]): boolean => lines.some((line) => line.includes('(flushed to disk)'));
    expect(flushed(await upload(true))).toBe(true);
    expect(flushed(await upload(undefined))).toBe(true);
    expect(flushed(await upload(false))).toBe(false);
  });

  it('cancels an upload mid-way, then the same session works', async () => {
    const big = randomBytes(32 * 1024 * 1024);
    const controller = new AbortController();
    let produced = 0;
    const source = new Readable({
      read() {
        if (produced >= big.length) {
          this.push(null);
          return;
        }
        const chunk = big.subarray(produced, produced + 64 * 1024);
        produced += chunk.length;
        if (produced > 4 * 1024 * 1024) controller.abort();
        this.push(chunk);
      },
    });
    const path = join(folder, 'cancel-up.bin');
    const error = await failure(remote.upload(source, path, { signal: controller.signal }));
    expect(error.code).toBe('CANCELED');
    expect((await stat(path)).size).toBeLessThan(big.length);

    expect(await remote.upload(Readable.from([big]), path)).toBe(big.length);
    expect(sha256(await readFile(path))).toBe(sha256(big));
  });

  it(`moves a ${LARGE_SIZE} byte file up and back down, byte-identical`, { timeout: 300_000 }, async () => {
    // Made once, here, and used both ways.
    const source = join(local, 'large.bin');
    const out = createWriteStream(source);
    for (let written = 0; written < LARGE_SIZE;) {
      const chunk = randomBytes(Math.min(8 * 1024 * 1024, LARGE_SIZE - written));
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      written += chunk.length;
    }
    out.end();
    await finished(out);
    const expected = await sha256File(source);

    const remotePath = join(folder, 'large.bin');
    const up = await uploadFile(remote, source, remotePath);
    expect(up.size).toBe(LARGE_SIZE);
    expect(await sha256File(remotePath)).toBe(expected);

    const back = join(local, 'large-back.bin');
    const down = await downloadFile(remote, remotePath, back);
    expect(down.size).toBe(LARGE_SIZE);
    expect(await sha256File(back)).toBe(expected);
    await truncate(remotePath, 0);
  });
});
