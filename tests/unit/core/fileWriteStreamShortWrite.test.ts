// A write that the system completes only in part (a disk filling up, a
// signal) must be continued, not crash the stream: Node's write stream
// continues from the buffers the write callbacks hand back.
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileWriteStream } from '../../../electron/core/local/fileWriteStream.js';
import { LocalCallGate } from '../../../electron/core/local/quickFs.js';

const shortWrites = vi.hoisted(() => ({ left: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  /** Writes half of what is asked while `shortWrites.left` lasts. */
  const writeSync = (fd: number, buffer: Buffer, offset: number, length: number, position: number): number => {
    if (shortWrites.left > 0 && length > 1) {
      shortWrites.left -= 1;
      return actual.writeSync(fd, buffer, offset, Math.floor(length / 2), position);
    }
    return actual.writeSync(fd, buffer, offset, length, position);
  };
  return { ...actual, writeSync, default: { ...actual, writeSync } };
});

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'ferry-short-write-'));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('fileWriteStream after a short write', () => {
  it('writes the rest, in order', async () => {
    const path = join(folder, 'file.bin');
    const stream = fileWriteStream(openSync(path, 'w'), 0, new LocalCallGate());
    shortWrites.left = 2;
    stream.end('abcdefghij');
    await finished(stream);
    expect(shortWrites.left).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('abcdefghij');
    expect(stream.bytesWritten).toBe(10);
  });
});
