import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileWriteStream } from '../../../electron/core/local/fileWriteStream.js';
import { LocalCallGate } from '../../../electron/core/local/quickFs.js';

let folder: string;
let path: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'ferry-write-stream-'));
  path = join(folder, 'file.bin');
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(folder, { recursive: true, force: true });
});

function writeAndWait(stream: WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

describe('fileWriteStream', () => {
  it('writes at the given offset and closes the file at the end', async () => {
    writeFileSync(path, 'keep:xxxx');
    const stream = fileWriteStream(openSync(path, 'r+'), 5, new LocalCallGate());
    stream.write('ab');
    stream.end('cd');
    await finished(stream);
    expect(readFileSync(path, 'utf8')).toBe('keep:abcd');
    expect(stream.bytesWritten).toBe(4);
    expect(stream.closed).toBe(true);
  });

  it('writes on this thread while writes are quick: done by the time write() returns', async () => {
    const stream = fileWriteStream(openSync(path, 'w'), 0, new LocalCallGate());
    await writeAndWait(stream, 'first ');
    stream.write('second');
    expect(stream.writableLength).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('first second');
    stream.end();
    await finished(stream);
  });

  it('moves to the thread pool after a slow write, and still writes everything in order', async () => {
    const stream = fileWriteStream(openSync(path, 'w'), 0, new LocalCallGate());
    await writeAndWait(stream, 'quick ');
    // The next write seems to take 50 ms: writing on this thread stalls it, so the stream stops doing that.
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (clock += 50));
    stream.write('slow ');
    expect(stream.writableLength).toBe(0);
    stream.write('pooled');
    // Handed to the thread pool: still being written when write() returns.
    expect(stream.writableLength).toBe('pooled'.length);
    stream.end();
    await finished(stream);
    expect(readFileSync(path, 'utf8')).toBe('quick slow pooled');
  });

  it('writes on this thread again 30 s after a slow write', async () => {
    const gate = new LocalCallGate();
    const stream = fileWriteStream(openSync(path, 'w'), 0, gate);
    let clock = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    // A slow call here (the clock jumps 50 ms while it runs) sends the next writes to the pool.
    gate.time(() => (clock += 50));
    const pooled = new Promise((resolve) => stream.write('pooled ', resolve));
    expect(stream.writableLength).toBe('pooled '.length);
    await pooled;
    clock += 30_001;
    stream.write('inline');
    expect(stream.writableLength).toBe(0);
    stream.end();
    await finished(stream);
    expect(readFileSync(path, 'utf8')).toBe('pooled inline');
  });

  it('fails the stream with the error of a write that fails', async () => {
    writeFileSync(path, '');
    const readOnly = openSync(path, 'r');
    const stream = fileWriteStream(readOnly, 0, new LocalCallGate());
    stream.on('error', () => undefined);
    stream.write('nope');
    const error = await finished(stream).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'EBADF' });
    // The stream closed the descriptor on its way out.
    expect(() => closeSync(readOnly)).toThrow(/EBADF/);
  });
});
