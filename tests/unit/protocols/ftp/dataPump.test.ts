import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../../../shared/errors.js';
import { send } from '../../../../electron/core/protocols/ftp/dataPump.js';

const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) {
    server.close();
    await once(server, 'close').catch(() => undefined);
  }
});

/** A loopback data connection: our end, and the server's end as it arrives. */
async function connection(): Promise<{ ours: Socket; theirs: Socket }> {
  const server = createServer();
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const ours = connect((server.address() as AddressInfo).port, '127.0.0.1');
  // As the FTP data connector does: a late error must never go unheard.
  ours.on('error', () => undefined);
  await once(ours, 'connect');
  const [theirs] = await accepted;
  theirs.on('error', () => undefined);
  sockets.push(ours, theirs);
  return { ours, theirs };
}

/** Everything the server's end receives until the client's FIN. */
async function received(theirs: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  theirs.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(theirs, 'end');
  return Buffer.concat(chunks);
}

function chunksOf(data: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) chunks.push(data.subarray(at, at + size));
  return chunks;
}

describe('send', () => {
  it('sends every byte of the source, counts them, and ends the connection', async () => {
    const { ours, theirs } = await connection();
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const arriving = received(theirs);
    let counted = 0;
    await send(Readable.from(chunksOf(data, 64 * 1024)), ours, (n) => (counted += n), new AbortController().signal);
    expect(counted).toBe(data.length);
    expect((await arriving).equals(data)).toBe(true);
  });

  it('ends the connection at once for an empty source', async () => {
    const { ours, theirs } = await connection();
    const arriving = received(theirs);
    await send(Readable.from([]), ours, () => undefined, new AbortController().signal);
    expect((await arriving).length).toBe(0);
  });

  it('reads the source no faster than the connection takes it', async () => {
    const { ours, theirs } = await connection();
    theirs.pause();
    const chunk = Buffer.alloc(1024 * 1024, 7);
    let produced = 0;
    const source = new Readable({
      read() {
        produced += 1;
        this.push(produced <= 64 ? chunk : null);
      },
    });
    const sending = send(source, ours, () => undefined, new AbortController().signal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The reader has taken nothing: only the socket buffers and the source's read-ahead fill up.
    expect(produced).toBeLessThan(32);
    const arriving = received(theirs);
    theirs.resume();
    await sending;
    expect((await arriving).length).toBe(64 * chunk.length);
  });

  it('fails with LOCAL_IO when the source cannot be read, and resets the connection', async () => {
    const { ours, theirs } = await connection();
    const source = new Readable({
      read() {
        this.destroy(new Error('EIO: i/o error, read'));
      },
    });
    const error = await send(source, ours, () => undefined, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryError);
    expect(error).toMatchObject({ code: 'LOCAL_IO', message: expect.stringContaining('EIO') as unknown });
    expect(ours.destroyed).toBe(true);
    // A reset, not a FIN: the server must not take the partial file for a complete upload.
    const [reset] = (await once(theirs, 'error')) as [NodeJS.ErrnoException];
    expect(reset.code).toBe('ECONNRESET');
  });

  it('fails with LOCAL_IO when the source closes before its end without an error', async () => {
    const { ours, theirs } = await connection();
    theirs.resume();
    let reads = 0;
    const source = new Readable({
      read() {
        reads++;
        if (reads < 3) this.push(Buffer.alloc(64 * 1024));
        else this.destroy();
      },
    });
    await expect(send(source, ours, () => undefined, new AbortController().signal)).rejects.toMatchObject({
      code: 'LOCAL_IO',
    });
  });

  it('fails with LOCAL_IO for a source closed before the upload began', async () => {
    const { ours } = await connection();
    const source = new Readable({ read() {} });
    source.destroy();
    await expect(send(source, ours, () => undefined, new AbortController().signal)).rejects.toMatchObject({
      code: 'LOCAL_IO',
    });
  });

  it('fails with CONNECTION_LOST when the server half-closes the connection mid-upload', async () => {
    const { ours, theirs } = await connection();
    const source = new Readable({
      read() {
        this.push(Buffer.alloc(1024 * 1024));
      },
    });
    // A gateway giving up politely: FIN after the first bytes, while it keeps reading.
    theirs.once('data', () => theirs.end());
    theirs.resume();
    await expect(send(source, ours, () => undefined, new AbortController().signal)).rejects.toMatchObject({
      code: 'CONNECTION_LOST',
    });
    expect(source.destroyed).toBe(true);
  });

  it('fails at once with CONNECTION_LOST on a connection that closed before the upload began', async () => {
    const { ours } = await connection();
    // Closed already, so neither an error nor a close event is still to come.
    ours.destroy();
    await once(ours, 'close');
    const source = Readable.from([Buffer.alloc(1024)]);
    await expect(send(source, ours, () => undefined, new AbortController().signal)).rejects.toMatchObject({
      code: 'CONNECTION_LOST',
    });
  });

  it('fails with LOCAL_IO for a source that failed before the upload began', async () => {
    const { ours } = await connection();
    const source = new Readable({ read() {} });
    source.on('error', () => undefined);
    source.destroy(new Error('EACCES: permission denied, open'));
    await expect(send(source, ours, () => undefined, new AbortController().signal)).rejects.toMatchObject({
      code: 'LOCAL_IO',
    });
  });

  it('stops with the reason it is given, destroying the source', async () => {
    const { ours, theirs } = await connection();
    theirs.pause();
    const source = new Readable({
      read() {
        this.push(Buffer.alloc(1024 * 1024));
      },
    });
    const stop = new AbortController();
    const sending = send(source, ours, () => undefined, stop.signal);
    setTimeout(() => stop.abort(new FerryError('TIMEOUT', 'no data moved for 30 s')), 50);
    await expect(sending).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(source.destroyed).toBe(true);
  });

  it('fails with CONNECTION_LOST when the server drops the connection mid-upload', async () => {
    const { ours, theirs } = await connection();
    const source = new Readable({
      read() {
        this.push(Buffer.alloc(1024 * 1024));
      },
    });
    theirs.once('data', () => theirs.resetAndDestroy());
    await expect(send(source, ours, () => undefined, new AbortController().signal)).rejects.toMatchObject({
      code: 'CONNECTION_LOST',
    });
    expect(source.destroyed).toBe(true);
  });
});
