// Ferry's TFTP server with other people's clients (atftp, tftp-hpa's tftp)
// and with raw packets: both directions, sizes, rollover, block and window
// sizes, netascii, the folder jail, upload permissions, many transfers at
// once, IPv6, and the per-transfer events the UI lists.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAck, encodeRequest } from '../../../electron/core/protocols/tftp/packet.js';
import { TftpServer, type TftpTransferEvent } from '../../../electron/core/protocols/tftp/server.js';
import type { FerryError } from '../../../shared/errors.js';
import {
  BIG_SIZE,
  bigFile,
  download,
  fileSha256,
  rawExchange,
  runTool,
  SIZES,
  sha256,
  tempDir,
  tftpClient,
  uniqueName,
  upload,
  writeFixture,
} from './fixtures.js';
import { LossyRelay } from './lossyRelay.js';

let base: string;
let root: string;
let outside: string;
let local: string;
const servers: TftpServer[] = [];
const events: TftpTransferEvent[] = [];
let readOnlyPort: number;
let writablePort: number;
let overwritingPort: number;

async function startServer(writable: boolean, overwrite: boolean, address = '127.0.0.1'): Promise<number> {
  const server = new TftpServer();
  server.onTransfer((event) => events.push(event));
  servers.push(server);
  const status = await server.start({ folder: root, address, port: 0, writable, overwrite });
  if (status.port === null) throw new Error('no port');
  return status.port;
}

/** A file in the served folder. */
async function served(content: Buffer | string, stem = 'srv'): Promise<string> {
  const name = uniqueName(stem);
  await writeFixture(join(root, name), content);
  return name;
}

function atftp(port: number, args: string[]): ReturnType<typeof runTool> {
  return runTool('atftp', [...args, '127.0.0.1', String(port)]);
}

function tftpHpa(port: number, command: string, mode: 'binary' | 'netascii' = 'binary', host = '127.0.0.1') {
  return runTool('tftp', [
    ...(host.includes(':') ? ['-6'] : ['-4']),
    '-m',
    mode,
    host,
    String(port),
    '-c',
    ...command.split(' '),
  ]);
}

/** The final event of the transfer of `file`. */
function finished(file: string): TftpTransferEvent | undefined {
  return events.filter((event) => event.file === file && event.state !== 'running').at(-1);
}

beforeAll(async () => {
  base = await tempDir('server');
  root = join(base, 'served');
  outside = join(base, 'outside');
  local = join(base, 'local');
  await Promise.all([mkdir(root), mkdir(outside), mkdir(local)]);
  await writeFile(join(outside, 'secret.txt'), 'not for TFTP clients');
  readOnlyPort = await startServer(false, false);
  writablePort = await startServer(true, false);
  overwritingPort = await startServer(true, true);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await rm(base, { recursive: true, force: true });
});

describe('TFTP server with atftp and tftp-hpa as clients', () => {
  for (const size of SIZES) {
    it(`serves and receives ${size} bytes byte for byte`, async () => {
      const content = randomBytes(size);
      const name = await served(content);
      const viaAtftp = join(local, `a-${name}`);
      const viaHpa = join(local, `h-${name}`);
      expect((await atftp(readOnlyPort, ['-g', '-r', name, '-l', viaAtftp])).code).toBe(0);
      expect((await tftpHpa(readOnlyPort, `get ${name} ${viaHpa}`)).code).toBe(0);
      expect(sha256(await readFile(viaAtftp))).toBe(sha256(content));
      expect(sha256(await readFile(viaHpa))).toBe(sha256(content));

      const upAtftp = uniqueName('up-a');
      const upHpa = uniqueName('up-h');
      expect((await atftp(writablePort, ['-p', '-l', viaAtftp, '-r', upAtftp])).code).toBe(0);
      expect((await tftpHpa(writablePort, `put ${viaHpa} ${upHpa}`)).code).toBe(0);
      expect(sha256(await readFile(join(root, upAtftp)))).toBe(sha256(content));
      expect(sha256(await readFile(join(root, upHpa)))).toBe(sha256(content));

      await expect
        .poll(() => finished(upHpa))
        .toMatchObject({ direction: 'write', bytes: size, state: 'done', error: null });
      expect(finished(upHpa)?.client).toMatch(/^127\.0\.0\.1:\d+$/);
      await expect.poll(() => finished(name)).toMatchObject({ direction: 'read', bytes: size, state: 'done', size });
    });
  }

  it('rolls block numbers over past 65535 at 512-byte blocks, both ways', async () => {
    const big = await bigFile();
    const name = uniqueName('big');
    await link(big.path, join(root, name));
    const got = join(local, 'big-from-atftp.bin');
    expect((await atftp(readOnlyPort, ['-g', '-r', name, '-l', got])).code).toBe(0);
    expect(await fileSha256(got)).toBe(big.sha256);
    const uploaded = uniqueName('big-up');
    expect((await tftpHpa(writablePort, `put ${big.path} ${uploaded}`)).code).toBe(0);
    expect(await fileSha256(join(root, uploaded))).toBe(big.sha256);
    await expect.poll(() => finished(uploaded)).toMatchObject({ bytes: BIG_SIZE, state: 'done' });
    await rm(got);
  });

  for (const option of ['blksize 8', 'blksize 65464', 'windowsize 1', 'windowsize 16']) {
    it(`honours ${option} both ways`, async () => {
      const content = randomBytes(option === 'blksize 8' ? 4001 : 300_001);
      const name = await served(content);
      const got = join(local, `o-${name}`);
      const download = await atftp(readOnlyPort, ['--trace', '--option', option, '-g', '-r', name, '-l', got]);
      expect(download.code).toBe(0);
      // atftp traces the OACK: the server agreed to exactly what was asked.
      expect(download.stdout + download.stderr).toContain(`received OACK <${option.replace(' ', ': ')}`);
      expect(sha256(await readFile(got))).toBe(sha256(content));
      const uploaded = uniqueName('o-up');
      expect((await atftp(writablePort, ['--option', option, '-p', '-l', got, '-r', uploaded])).code).toBe(0);
      expect(sha256(await readFile(join(root, uploaded)))).toBe(sha256(content));
    });
  }

  it('converts netascii both ways', async () => {
    const text = 'first\nsecond\r\nbare\rcarriage\n\nlast';
    const wire = 'first\r\nsecond\r\0\r\nbare\r\0carriage\r\n\r\nlast';
    const name = await served(text);
    // Down: we send CR LF and CR NUL; tftp-hpa turns them back into the file's bytes.
    const relay = await LossyRelay.start({ serverPort: readOnlyPort, captureData: true });
    try {
      const got = join(local, `n-${name}`);
      expect((await tftpHpa(relay.port, `get ${name} ${got}`, 'netascii')).code).toBe(0);
      expect(Buffer.concat(relay.serverData).toString('latin1')).toBe(wire);
      expect((await readFile(got)).toString('latin1')).toBe(text);
    } finally {
      relay.close();
    }
    // Up: tftp-hpa sends netascii; we store the file's own bytes.
    const source = join(local, 'netascii-source.txt');
    await writeFile(source, text, 'latin1');
    const uploaded = uniqueName('n-up');
    expect((await tftpHpa(writablePort, `put ${source} ${uploaded}`, 'netascii')).code).toBe(0);
    expect((await readFile(join(root, uploaded))).toString('latin1')).toBe(text);
  });

  it('serves many transfers at once', async () => {
    const contents = Array.from({ length: 8 }, () => randomBytes(200_000 + Math.floor(Math.random() * 1000)));
    const names = await Promise.all(contents.map((content) => served(content, 'many')));
    const client = await tftpClient(readOnlyPort, { blksize: 1024, windowsize: 4 });
    const results = await Promise.all([
      ...names.slice(0, 4).map((name) => download(client, name)),
      ...names.slice(4).map(async (name) => {
        const got = join(local, `m-${name}`);
        const run = await atftp(readOnlyPort, ['--option', 'blksize 1024', '-g', '-r', name, '-l', got]);
        if (run.code !== 0) throw new Error(run.stderr);
        return readFile(got);
      }),
    ]);
    results.forEach((result, i) => expect(sha256(result)).toBe(sha256(contents[i] ?? Buffer.alloc(0))));
    await expect.poll(() => names.filter((name) => finished(name)?.state === 'done').length).toBe(8);
    expect(new Set(names.map((name) => finished(name)?.client)).size).toBe(8);
  });

  it('answers a stranger with ERROR 5 and finishes the transfer', async () => {
    const content = randomBytes(500_000);
    const name = await served(content);
    const relay = await LossyRelay.start({
      serverPort: readOnlyPort,
      stray: { toward: 'server', afterPackets: 100, packet: encodeAck(3) },
    });
    try {
      const client = await tftpClient(relay.port);
      expect(sha256(await download(client, name))).toBe(sha256(content));
      await expect.poll(() => relay.strayReplies).toEqual([{ type: 'ERROR', code: 5, message: 'Unknown transfer ID' }]);
      await expect.poll(() => finished(name)).toMatchObject({ state: 'done', bytes: content.length });
    } finally {
      relay.close();
    }
  });

  it('works over IPv6', async () => {
    const port = await startServer(true, false, '::1');
    const content = randomBytes(70_000);
    const name = await served(content);
    const client = await tftpClient(port, { blksize: 1400 }, '::1');
    expect(sha256(await download(client, name))).toBe(sha256(content));
    const uploaded = uniqueName('v6-up');
    await upload(client, uploaded, content);
    expect(sha256(await readFile(join(root, uploaded)))).toBe(sha256(content));
    const got = join(local, `v6-${name}`);
    expect((await tftpHpa(port, `get ${name} ${got}`, 'binary', '::1')).code).toBe(0);
    expect(sha256(await readFile(got))).toBe(sha256(content));
    await expect.poll(() => finished(name)?.client).toMatch(/^\[::1\]:\d+$/);
  });
});

describe('TFTP server jail and permissions', () => {
  beforeAll(async () => {
    await symlink(join(outside, 'secret.txt'), join(root, 'link-out.txt'));
    await symlink(outside, join(root, 'dir-out'));
    await mkdir(join(root, 'sub'), { recursive: true });
    await writeFixture(join(root, 'sub', 'inner.txt'), 'inside');
    await symlink(join(root, 'sub', 'inner.txt'), join(root, 'link-in.txt'));
  });

  const escapes = [
    '../outside/secret.txt',
    'sub/../../outside/secret.txt',
    '..\\outside\\secret.txt',
    '/etc/passwd',
    '\\etc\\passwd',
    'C:\\Windows\\win.ini',
    'link-out.txt',
    'dir-out/secret.txt',
  ];

  for (const name of escapes) {
    it(`refuses to read "${name}" with ERROR 2`, async () => {
      const reply = await rawExchange(readOnlyPort, encodeRequest('RRQ', name, 'octet'));
      expect(reply).toMatchObject({ type: 'ERROR', code: 2 });
    });
  }

  it('refuses traversal through atftp too', async () => {
    const got = join(local, 'stolen.txt');
    const run = await atftp(readOnlyPort, ['-g', '-r', '../outside/secret.txt', '-l', got]);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/not allowed|Access/i);
  });

  it('serves names inside the folder, through folders and symlinks that stay inside', async () => {
    const client = await tftpClient(readOnlyPort);
    expect((await download(client, 'sub/inner.txt')).toString()).toBe('inside');
    expect((await download(client, 'link-in.txt')).toString()).toBe('inside');
    expect((await download(client, './sub//inner.txt')).toString()).toBe('inside');
  });

  it('says NOT_FOUND for a missing file', async () => {
    const reply = await rawExchange(readOnlyPort, encodeRequest('RRQ', 'missing.bin', 'octet'));
    expect(reply).toMatchObject({ type: 'ERROR', code: 1 });
  });

  it('refuses writes outside the folder, and anything in an unsupported mode', async () => {
    for (const name of ['../outside/evil.bin', '/tmp/evil.bin', 'dir-out/evil.bin', 'link-out.txt']) {
      const reply = await rawExchange(writablePort, encodeRequest('WRQ', name, 'octet'));
      expect(reply, name).toMatchObject({ type: 'ERROR', code: 2 });
    }
    expect(await readdir(outside)).toEqual(['secret.txt']);
    const mail = Buffer.from('\x00\x01x.bin\x00mail\x00', 'latin1');
    expect(await rawExchange(readOnlyPort, mail)).toMatchObject({ type: 'ERROR', code: 4 });
  });

  it('takes an upload whose name is as long as the file system allows', async () => {
    const name = `${uniqueName('long')}-`.padEnd(255, 'n');
    await upload(await tftpClient(writablePort), name, Buffer.from('long name'));
    expect(await readFile(join(root, name), 'utf8')).toBe('long name');
  });

  it('refuses to read or write hidden names: keys in .ssh, and uploads still in progress', async () => {
    await mkdir(join(root, '.ssh'), { recursive: true });
    await writeFixture(join(root, '.ssh', 'id_ed25519'), 'PRIVATE KEY');
    for (const name of ['.ssh/id_ed25519', '.ssh/authorized_keys', '.x.0123456789ab.ferry-upload']) {
      for (const type of ['RRQ', 'WRQ'] as const) {
        const reply = await rawExchange(writablePort, encodeRequest(type, name, 'octet'));
        expect(reply, `${type} ${name}`).toMatchObject({ type: 'ERROR', code: 2 });
      }
    }
    await expect(stat(join(root, '.ssh', 'authorized_keys'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is read-only unless uploads are allowed', async () => {
    const name = uniqueName('ro');
    const client = await tftpClient(readOnlyPort);
    const error = (await upload(client, name, Buffer.from('x')).catch((e: unknown) => e)) as FerryError;
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.replyCode).toBe(2);
    await expect(stat(join(root, name))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('does not overwrite unless allowed, and then replaces the file', async () => {
    const name = await served('original');
    const refused = (await upload(await tftpClient(writablePort), name, Buffer.from('replacement')).catch(
      (e: unknown) => e,
    )) as FerryError;
    expect(refused.code).toBe('ALREADY_EXISTS');
    expect(refused.replyCode).toBe(6);
    expect(await readFile(join(root, name), 'utf8')).toBe('original');

    await upload(await tftpClient(overwritingPort), name, Buffer.from('replacement'));
    expect(await readFile(join(root, name), 'utf8')).toBe('replacement');
  });

  it('leaves no file, final or temporary, when an upload is canceled', async () => {
    const name = uniqueName('canceled');
    const client = await tftpClient(writablePort, { blksize: 512 });
    const controller = new AbortController();
    let sent = 0;
    const source = Readable.from(
      (async function* () {
        for (let i = 0; i < 400; i++) {
          sent++;
          if (sent === 100) controller.abort();
          await Promise.resolve();
          yield randomBytes(4096);
        }
      })(),
    );
    await expect(client.upload(source, `/${name}`, { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELED',
    });
    await expect.poll(() => finished(name)?.state).toBe('failed');
    expect(finished(name)?.error).toMatch(/canceled/i);
    const left = (await readdir(root)).filter((entry) => entry.includes(name));
    expect(left).toEqual([]);
  });
});
