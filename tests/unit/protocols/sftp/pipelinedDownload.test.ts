import { Writable } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { pipelinedDownload } from '../../../../electron/core/protocols/sftp/pipelinedDownload.js';
import { hooks, settings } from './pipelineParams.js';

type Done = (error?: Error | null, value?: unknown) => void;

const FILE = Buffer.alloc(16 * 1024, 5);

/**
 * An SFTP channel without ssh2's internals (so READs go through sftp.read)
 * serving FILE, except that `read` runs `onRead` first, which may throw
 * as a broken channel does.
 */
function fakeChannel(onRead: (call: number) => void) {
  let reads = 0;
  let closes = 0;
  const channel = {
    // Opened for reading: no attributes come before the callback.
    open: (_path: string, _flags: number, done: Done) => done(null, Buffer.from([1])),
    fstat: (_handle: Buffer, done: Done) => done(null, { size: FILE.length }),
    read: (_handle: Buffer, buffer: Buffer, at: number, length: number, position: number, done: Done) => {
      reads++;
      onRead(reads);
      const count = FILE.copy(buffer, at, position, Math.min(position + length, FILE.length));
      setImmediate(() => (count > 0 ? done(null, count) : done(null, 0)));
    },
    close: (_handle: Buffer, done: Done) => {
      closes++;
      done(null);
    },
  };
  return { sftp: channel as unknown as SFTPWrapper, closes: () => closes };
}

function collector(): { sink: Writable; data: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { sink, data: () => Buffer.concat(chunks) };
}

describe('pipelinedDownload', () => {
  it('downloads the whole file and closes the handle', async () => {
    const { sftp, closes } = fakeChannel(() => undefined);
    const { sink, data } = collector();
    expect(await pipelinedDownload(sftp, '/down.bin', sink, 0, settings, hooks)).toBe(FILE.length);
    expect(data().equals(FILE)).toBe(true);
    expect(closes()).toBe(1);
  });

  it('fails, without waiting forever or calling it done, when ssh2 throws instead of sending a READ', async () => {
    const { sftp, closes } = fakeChannel((call) => {
      if (call === 3) throw new TypeError("Cannot read properties of null (reading 'encrypt')");
    });
    const { sink } = collector();
    await expect(pipelinedDownload(sftp, '/down.bin', sink, 0, settings, hooks)).rejects.toMatchObject({
      code: 'PROTOCOL',
      message: expect.stringContaining('Cannot read "/down.bin"') as unknown,
    });
    expect(closes()).toBe(1);
  });

  it('calls it CONNECTION_LOST when the connection is gone', async () => {
    const { sftp } = fakeChannel((call) => {
      if (call === 1) throw new Error('Not connected');
    });
    const { sink } = collector();
    await expect(pipelinedDownload(sftp, '/down.bin', sink, 0, settings, hooks)).rejects.toMatchObject({
      code: 'CONNECTION_LOST',
    });
  });
});
