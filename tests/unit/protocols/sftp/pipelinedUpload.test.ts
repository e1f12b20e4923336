import { Readable } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { pipelinedUpload } from '../../../../electron/core/protocols/sftp/pipelinedUpload.js';
import { hooks, settings } from './pipelineParams.js';

type Done = (error?: Error | null, value?: unknown) => void;

/**
 * An SFTP channel without ssh2's internals (so WRITEs go through
 * sftp.write) that accepts everything, except that `write` runs `onWrite`
 * first, which may throw as a broken channel does.
 */
function fakeChannel(onWrite: (call: number) => void) {
  const closed: number[] = [];
  let writes = 0;
  const channel = {
    open: (_path: string, _flags: number, _attributes: unknown, done: Done) => done(null, Buffer.from([1])),
    write: (_handle: Buffer, _data: Buffer, _at: number, _length: number, _position: number, done: Done) => {
      writes++;
      onWrite(writes);
      setImmediate(() => done(null));
    },
    fsetstat: (_handle: Buffer, _attributes: unknown, done: Done) => done(null),
    fstat: (_handle: Buffer, done: Done) => done(null, { size: 0 }),
    ext_openssh_fsync: (_handle: Buffer, done: Done) => done(null),
    close: (_handle: Buffer, done: Done) => {
      closed.push(writes);
      done(null);
    },
  };
  return { sftp: channel as unknown as SFTPWrapper, closed };
}

const source = (): Readable => Readable.from([Buffer.alloc(8 * 1024, 1), Buffer.alloc(8 * 1024, 2)]);

describe('pipelinedUpload', () => {
  it('uploads every piece and closes the handle', async () => {
    const { sftp, closed } = fakeChannel(() => undefined);
    const result = await pipelinedUpload(sftp, source(), '/up.bin', 0, settings, hooks, { fsync: false });
    expect(result.bytes).toBe(16 * 1024);
    expect(closed).toHaveLength(1);
  });

  it('fails, without waiting forever, when ssh2 throws instead of sending a WRITE', async () => {
    // As when the connection's cipher is gone while the channel still looks open.
    const { sftp, closed } = fakeChannel((call) => {
      if (call === 3) throw new TypeError("Cannot read properties of null (reading 'encrypt')");
    });
    const error = await pipelinedUpload(sftp, source(), '/up.bin', 0, settings, hooks, { fsync: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'PROTOCOL',
      message: expect.stringContaining('Cannot write "/up.bin"') as unknown,
    });
    // The handle is given back all the same.
    expect(closed).toHaveLength(1);
  });

  it('calls it CONNECTION_LOST when the connection is gone', async () => {
    const { sftp } = fakeChannel((call) => {
      if (call === 3) throw new Error('Not connected');
    });
    await expect(
      pipelinedUpload(sftp, source(), '/up.bin', 0, settings, hooks, { fsync: false }),
    ).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    const other = fakeChannel((call) => {
      if (call === 2) throw new TypeError('the channel is closed');
    });
    const lost = { ...hooks, isSessionLost: () => true };
    await expect(
      pipelinedUpload(other.sftp, source(), '/up.bin', 0, settings, lost, { fsync: false }),
    ).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
  });

  it('still names a source that cannot be read as LOCAL_IO', async () => {
    const { sftp } = fakeChannel(() => undefined);
    const failing = new Readable({
      read() {
        this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
      },
    });
    await expect(pipelinedUpload(sftp, failing, '/up.bin', 0, settings, hooks, { fsync: false })).rejects.toMatchObject(
      { code: 'LOCAL_IO' },
    );
  });
});
