import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  chunkedBlockSource,
  fileBlockSource,
  writableBlockSink,
} from '../../../../electron/core/protocols/tftp/blockStreams.js';
import { openTftp, tftpFileName } from '../../../../electron/core/protocols/tftp/client.js';
import { bindError } from '../../../../electron/core/protocols/tftp/server.js';
import { fromNodeError } from '../../../../electron/core/errors/fromNodeError.js';
import { errorFromPeer, errorPacketFor } from '../../../../electron/core/protocols/tftp/tftpErrors.js';
import { decodePacket } from '../../../../electron/core/protocols/tftp/packet.js';
import { FerryError } from '../../../../shared/errors.js';
import { parseFerryUrl } from '../../../../shared/url.js';

describe('the TFTP client as a RemoteFileSystem', () => {
  it('asks for the URL path minus exactly one leading slash', () => {
    expect(tftpFileName('/boot.img')).toBe('boot.img');
    expect(tftpFileName('/dir/boot.img')).toBe('dir/boot.img');
    expect(tftpFileName('//srv/boot.img')).toBe('/srv/boot.img');
    expect(() => tftpFileName('/')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('can only download and upload; everything else is UNSUPPORTED, without touching the network', async () => {
    const remote = await openTftp(parseFerryUrl('tftp://host.invalid:6969/x'), {});
    expect(remote.protocol).toBe('tftp');
    expect(remote.initialFolder).toBe('/');
    expect(remote.capabilities).toEqual({
      list: false,
      stat: false,
      mkdir: false,
      delete: false,
      rename: false,
      chmod: false,
      setModified: false,
      resumeDownload: false,
      resumeUpload: false,
      hash: [],
      symlinks: false,
    });
    const calls = [
      remote.list('/'),
      remote.stat('/x'),
      remote.mkdir('/d'),
      remote.delete('/x'),
      remote.rmdir('/d'),
      remote.rename('/a', '/b'),
      remote.chmod('/x', 0o644),
      remote.setModified('/x', new Date()),
      remote.hash('/x', 'sha256'),
      remote.download('/x', new PassThrough(), { offset: 10 }),
      remote.upload(Readable.from([]), '/x', { offset: 10 }),
    ];
    for (const call of calls) await expect(call).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await remote.close();
  });

  it('refuses options outside the RFC ranges when opened', async () => {
    await expect(openTftp(parseFerryUrl('tftp://127.0.0.1/x'), { tftp: { blksize: 70000 } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(openTftp(parseFerryUrl('tftp://127.0.0.1/x'), { tftp: { retries: -1 } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('rejects with CANCELED before sending anything when the signal already fired', async () => {
    const remote = await openTftp(parseFerryUrl('tftp://127.0.0.1:9/x'), {});
    const controller = new AbortController();
    controller.abort();
    await expect(remote.download('/x', new PassThrough(), { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELED',
    });
  });
});

describe('block sources and sinks', () => {
  it('cuts any chunking into exact blocks, the last one short', async () => {
    const source = chunkedBlockSource(Readable.from([Buffer.from('abc'), Buffer.from('defgh'), Buffer.from('ij')]));
    const blocks: string[] = [];
    for (;;) {
      const block = await source.read(4);
      blocks.push(block.toString());
      if (block.length < 4) break;
    }
    expect(blocks).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('converts to netascii before cutting blocks, counting the bytes read', async () => {
    let read = 0;
    const source = chunkedBlockSource(Readable.from([Buffer.from('a\nb\n')]), {
      netascii: true,
      onRead: (bytes) => (read = bytes),
    });
    expect((await source.read(3)).toString('latin1')).toBe('a\r\n');
    expect((await source.read(3)).toString('latin1')).toBe('b\r\n');
    expect((await source.read(3)).length).toBe(0);
    expect(read).toBe(4);
  });

  it('batches blocks into the destination and settles what is in flight after a failure', async () => {
    const writes: number[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        writes.push(chunk.length);
        setTimeout(callback, 5);
      },
    });
    const sink = writableBlockSink(destination);
    for (let i = 0; i < 300; i++) await sink.write(Buffer.alloc(1024));
    // 256 KiB batches: one write so far, the rest still batched.
    expect(writes).toEqual([256 * 1024]);
    await sink.settle();
    expect(writes).toEqual([256 * 1024, 44 * 1024]);
    expect(sink.written).toBe(300 * 1024);
  });

  it('reports progress once per batch, and waits for the batch before the last, not for the last', async () => {
    const reports: number[] = [];
    // A disk that finishes a write only when the test says so, until it is told to keep up.
    const finishWrite: (() => void)[] = [];
    let keepingUp = false;
    const destination = new Writable({
      write(_chunk: Buffer, _encoding, callback) {
        if (keepingUp) callback();
        else finishWrite.push(() => callback());
      },
    });
    const sink = writableBlockSink(destination, { onWritten: (bytes) => reports.push(bytes) });
    const block = Buffer.alloc(1024);
    // The first batch goes out, and the transfer goes on while it is written.
    for (let i = 0; i < 256; i++) await sink.write(block);
    expect(reports).toEqual([256 * 1024]);
    expect(finishWrite).toHaveLength(1);
    // The second is ready while the first is still being written: now the transfer waits.
    for (let i = 0; i < 255; i++) await sink.write(block);
    let waited = true;
    const last = Promise.resolve(sink.write(block)).then(() => {
      waited = false;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reports).toEqual([256 * 1024, 512 * 1024]);
    expect(waited).toBe(true);
    finishWrite.shift()?.();
    await last;
    expect(waited).toBe(false);
    keepingUp = true;
    finishWrite.shift()?.();
    await sink.write(block);
    await sink.finish?.();
    expect(reports).toEqual([256 * 1024, 512 * 1024, 513 * 1024]);
  });

  it('decodes netascii into the destination, holding a trailing CR until the end', async () => {
    const chunks: Buffer[] = [];
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => chunks.push(chunk));
    const sink = writableBlockSink(destination, { netascii: true });
    await sink.write(Buffer.from('x\r', 'latin1'));
    await sink.write(Buffer.from('\ny\r', 'latin1'));
    await sink.finish?.();
    expect(Buffer.concat(chunks).toString('latin1')).toBe('x\ny\r');
  });
});

describe('TFTP file source', () => {
  it('cuts a file of several read chunks into blocks, byte for byte, ending with a short block', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ferry-tftp-source-'));
    try {
      // Over two 1 MiB chunks, and not a multiple of the block size.
      const content = randomBytes(2 * 1024 * 1024 + 12_345);
      await writeFile(join(folder, 'f'), content);
      const handle = await open(join(folder, 'f'), 'r');
      try {
        const source = fileBlockSource(handle);
        const blocks: Buffer[] = [];
        for (;;) {
          const block = await source.read(65_464);
          blocks.push(block);
          if (block.length < 65_464) break;
        }
        expect(Buffer.concat(blocks).equals(content)).toBe(true);
        expect(blocks.slice(0, -1).every((block) => block.length === 65_464)).toBe(true);
      } finally {
        await handle.close();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('TFTP errors', () => {
  it('maps peer error codes to Ferry codes, keeping the TFTP code', () => {
    const cases: [number, string][] = [
      [0, 'PROTOCOL'],
      [1, 'NOT_FOUND'],
      [2, 'PERMISSION_DENIED'],
      [3, 'PROTOCOL'],
      [4, 'PROTOCOL'],
      [5, 'CONNECTION_LOST'],
      [6, 'ALREADY_EXISTS'],
      [7, 'PROTOCOL'],
      [8, 'PROTOCOL'],
      [99, 'PROTOCOL'],
    ];
    for (const [code, ferryCode] of cases) {
      const error = errorFromPeer({ type: 'ERROR', code, message: '' }, 'Reading "x"');
      expect(error.code).toBe(ferryCode);
      expect(error.replyCode).toBe(code);
    }
  });

  it('tells the peer why in the matching TFTP error', () => {
    const packet = (error: unknown) => decodePacket(errorPacketFor(error));
    expect(packet(new FerryError('NOT_FOUND', 'gone'))).toEqual({ type: 'ERROR', code: 1, message: 'gone' });
    expect(packet(new FerryError('PERMISSION_DENIED', 'no'))).toMatchObject({ code: 2 });
    expect(packet(new FerryError('ALREADY_EXISTS', 'there'))).toMatchObject({ code: 6 });
    expect(packet(new FerryError('CANCELED', 'x'))).toEqual({ type: 'ERROR', code: 0, message: 'Transfer canceled' });
    expect(packet(new FerryError('PROTOCOL', 'bad oack', { replyCode: 8 }))).toMatchObject({ code: 8 });
    expect(packet(new FerryError('LOCAL_IO', 'no space left on the disk'))).toMatchObject({ code: 3 });
    expect(packet(new Error('boom'))).toEqual({ type: 'ERROR', code: 0, message: 'Internal error' });
  });

  it('does not tell the peer where this side keeps its files', () => {
    const local = fromNodeError(
      Object.assign(new Error("EBADMSG: bad message, read '/srv/private/images/ios.bin'"), { code: 'EBADMSG' }),
      'read',
      'ios.bin',
    );
    expect(local.message).toContain('/srv/private');
    const sent = decodePacket(errorPacketFor(local));
    expect(sent).toMatchObject({ type: 'ERROR', code: 0 });
    expect(JSON.stringify(sent)).not.toContain('/srv/private');
  });
});

describe('TFTP server bind errors', () => {
  it('says that port 69 needs privileges and suggests a high port', () => {
    const error = bindError(Object.assign(new Error('bind EACCES'), { code: 'EACCES' }), '0.0.0.0', 69);
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toContain('need administrator privileges');
    expect(error.message).toContain('6969');
    expect(error.details).toMatchObject({ port: 69, suggestedPort: 6969 });
  });

  it('explains a port in use and an address that is not this machine', () => {
    expect(bindError(Object.assign(new Error('x'), { code: 'EADDRINUSE' }), '127.0.0.1', 6969).message).toContain(
      'already in use',
    );
    expect(bindError(Object.assign(new Error('x'), { code: 'EADDRNOTAVAIL' }), '192.0.2.1', 6969).code).toBe(
      'INVALID_INPUT',
    );
  });
});
