// Ferry's TFTP client against atftpd (windowsize, RFC 7440) and against a
// tftpd-hpa that refuses every option, like an old device; both started
// for this file by tests/servers/tftp-peer.sh on their own ports.
import { randomBytes } from 'node:crypto';
import { link, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogKind } from '../../../electron/core/log/messageLog.js';
import type { TftpConnectOptions } from '../../../electron/core/remote/connectOptions.js';
import { openRemote } from '../../../electron/core/remote/openRemote.js';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { uploadFile } from '../../../electron/core/transfers/uploadFile.js';
import { parseFerryUrl } from '../../../shared/url.js';
import { bigFile, download, fileSha256, SIZES, sha256, tempDir, uniqueName, upload, writeFixture } from './fixtures.js';
import { startPeer, type PeerServer } from './peers.js';

let atftpd: PeerServer;
let plain: PeerServer;
let local: string;

/** A client that records its log, to see which way negotiation went. */
async function loggingClient(port: number, tftp: TftpConnectOptions) {
  const log: { kind: LogKind; text: string }[] = [];
  const client = await openRemote(parseFerryUrl(`tftp://127.0.0.1:${port}/`), {
    tftp,
    log: (kind, text) => log.push({ kind, text }),
  });
  return { client, log };
}

/**
 * The hash of an upload as atftpd stored it. atftpd acknowledges the last
 * block before it closes the file, so a test that reads at once may see it
 * unfinished; callers poll.
 */
async function stored(name: string): Promise<string> {
  return sha256(await readFile(join(atftpd.root, name)));
}

beforeAll(async () => {
  [atftpd, plain] = await Promise.all([startPeer('atftpd'), startPeer('tftpd-plain')]);
  local = await tempDir('peers-local');
});

afterAll(async () => {
  await Promise.all([atftpd.stop(), plain.stop()]);
  await rm(local, { recursive: true, force: true });
});

describe('TFTP client against atftpd', () => {
  for (const size of SIZES) {
    it(`downloads and uploads ${size} bytes with windowsize 16`, async () => {
      const content = randomBytes(size);
      const name = uniqueName('at');
      await writeFixture(join(atftpd.root, name), content);
      const { client, log } = await loggingClient(atftpd.port, { windowsize: 16, blksize: 1468 });
      expect(sha256(await download(client, name))).toBe(sha256(content));
      expect(log.some((line) => line.kind === 'reply' && line.text.includes('windowsize 16'))).toBe(true);
      const uploaded = uniqueName('at-up');
      await upload(client, uploaded, content);
      await expect.poll(() => stored(uploaded)).toBe(sha256(content));
    });
  }

  it('rolls block numbers over past 65535 at blksize 512, both ways', async () => {
    const big = await bigFile();
    const name = uniqueName('at-big');
    await link(big.path, join(atftpd.root, name));
    const { client } = await loggingClient(atftpd.port, { blksize: 512, windowsize: 8 });
    const target = join(local, 'at-big.bin');
    await downloadFile(client, `/${name}`, target);
    expect(await fileSha256(target)).toBe(big.sha256);
    await rm(target);
    const uploaded = uniqueName('at-big-up');
    await uploadFile(client, big.path, `/${uploaded}`);
    await expect.poll(() => fileSha256(join(atftpd.root, uploaded))).toBe(big.sha256);
  });

  for (const tftp of [{ windowsize: 1 }, { blksize: 65464, windowsize: 4 }]) {
    it(`transfers with ${JSON.stringify(tftp)} both ways`, async () => {
      const content = randomBytes(400_003);
      const name = uniqueName('at-opt');
      await writeFixture(join(atftpd.root, name), content);
      const { client } = await loggingClient(atftpd.port, tftp);
      expect(sha256(await download(client, name))).toBe(sha256(content));
      const uploaded = uniqueName('at-opt-up');
      await upload(client, uploaded, content);
      await expect.poll(() => stored(uploaded)).toBe(sha256(content));
    });
  }

  it('converts netascii both ways', async () => {
    const text = 'alpha\nbeta\r\ngamma\n';
    const name = uniqueName('at-ascii');
    await writeFixture(join(atftpd.root, name), text);
    const { client } = await loggingClient(atftpd.port, { mode: 'netascii' });
    expect((await download(client, name)).toString('latin1')).toBe(text);
    const uploaded = uniqueName('at-ascii-up');
    await upload(client, uploaded, Buffer.from(text, 'latin1'));
    await expect.poll(async () => (await readFile(join(atftpd.root, uploaded))).toString('latin1')).toBe(text);
  });

  it('falls back to plain RFC 1350 when the server answers ERROR 8', async () => {
    // atftpd cannot fit an OACK carrying tsize into 8-byte blocks and refuses the options.
    const content = randomBytes(3000);
    const name = uniqueName('at-refused');
    await writeFixture(join(atftpd.root, name), content);
    const { client, log } = await loggingClient(atftpd.port, { blksize: 8 });
    expect(sha256(await download(client, name))).toBe(sha256(content));
    const texts = log.map((line) => line.text);
    expect(texts).toContain('The server refused the TFTP options (ERROR 8); asking again without them');
    expect(texts.filter((text) => text.startsWith('RRQ'))).toEqual([
      `RRQ "${name}" octet blksize 8 tsize 0`,
      `RRQ "${name}" octet`,
    ]);
  });
});

describe('TFTP client against a server that ignores options', () => {
  it('downloads and uploads in plain RFC 1350 when no OACK comes', async () => {
    const content = randomBytes(100_000);
    const name = uniqueName('plain');
    await writeFixture(join(plain.root, name), content);
    const { client, log } = await loggingClient(plain.port, { blksize: 1468, windowsize: 16, timeout: 2 });
    expect(sha256(await download(client, name))).toBe(sha256(content));
    const uploaded = uniqueName('plain-up');
    await upload(client, uploaded, content);
    expect(sha256(await readFile(join(plain.root, uploaded)))).toBe(sha256(content));
    const notices = log.filter((line) => line.text.includes('ignored the TFTP options'));
    expect(notices.length).toBe(2);
    expect(log.some((line) => line.text.startsWith('OACK'))).toBe(false);
  });
});
