// Ferry's TFTP client against the shared tftpd-hpa (tests/servers/start.sh):
// both directions at the sizes that matter, block-number rollover, the
// extreme block sizes, netascii, errors, cancel, timeouts, and the safe
// download path (a failure never leaves a file under the final name).
import { randomBytes } from 'node:crypto';
import { link, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { uploadFile } from '../../../electron/core/transfers/uploadFile.js';
import { FerryError } from '../../../shared/errors.js';
import { loadServers } from '../../servers/config.js';
import {
  BIG_SIZE,
  bigFile,
  download,
  fileSha256,
  freeUdpPort,
  SIZES,
  sha256,
  tempDir,
  tftpClient,
  uniqueName,
  upload,
  writeFixture,
} from './fixtures.js';
import { LossyRelay } from './lossyRelay.js';

const servers = loadServers();
const { port, root } = servers.tftp;
const created: string[] = [];
let local: string;

/** A file in tftpd-hpa's root, removed after the run. */
async function serverFile(content: Buffer | string, stem = 'hpa'): Promise<string> {
  const name = uniqueName(stem);
  await writeFixture(join(root, name), content);
  created.push(name);
  return name;
}

/** A name for an upload, removed after the run. */
function uploadName(stem: string): string {
  const name = uniqueName(stem);
  created.push(name);
  return name;
}

beforeAll(async () => {
  local = await tempDir('hpa-local');
});

afterAll(async () => {
  await Promise.all(created.map((name) => rm(join(root, name), { force: true })));
  await rm(local, { recursive: true, force: true });
});

describe('TFTP client against tftpd-hpa', () => {
  for (const size of SIZES) {
    it(`downloads and uploads ${size} bytes byte for byte`, async () => {
      const content = randomBytes(size);
      const client = await tftpClient(port);
      const name = await serverFile(content);
      expect(sha256(await download(client, name))).toBe(sha256(content));

      const uploaded = uploadName('hpa-up');
      expect(await upload(client, uploaded, content)).toBe(size);
      expect(sha256(await readFile(join(root, uploaded)))).toBe(sha256(content));
    });
  }

  it('rolls block numbers over past 65535 at blksize 512, both ways', async () => {
    const big = await bigFile();
    const name = uniqueName('hpa-big');
    await link(big.path, join(root, name));
    created.push(name);
    const client = await tftpClient(port, { blksize: 512 });
    const target = join(local, 'big-download.bin');
    const result = await downloadFile(client, `/${name}`, target);
    expect(result.size).toBe(BIG_SIZE);
    expect(await fileSha256(target)).toBe(big.sha256);

    const uploaded = uploadName('hpa-big-up');
    const sent = await uploadFile(client, big.path, `/${uploaded}`);
    expect(sent.transferred).toBe(BIG_SIZE);
    expect(await fileSha256(join(root, uploaded))).toBe(big.sha256);
  });

  for (const blksize of [8, 65464]) {
    it(`transfers with blksize ${blksize} both ways`, async () => {
      const content = randomBytes(blksize === 8 ? 5000 : 3 * 65464 + 17);
      const client = await tftpClient(port, { blksize });
      const name = await serverFile(content);
      expect(sha256(await download(client, name))).toBe(sha256(content));
      const uploaded = uploadName('hpa-blk-up');
      await upload(client, uploaded, content);
      expect(sha256(await readFile(join(root, uploaded)))).toBe(sha256(content));
    });
  }

  for (const windowsize of [1, 16]) {
    it(`asks for windowsize ${windowsize} and falls back to lock-step when the server ignores it`, async () => {
      const content = randomBytes(200_000);
      const client = await tftpClient(port, { windowsize, blksize: 1468 });
      const name = await serverFile(content);
      expect(sha256(await download(client, name))).toBe(sha256(content));
      const uploaded = uploadName('hpa-win-up');
      await upload(client, uploaded, content);
      expect(sha256(await readFile(join(root, uploaded)))).toBe(sha256(content));
    });
  }

  it('converts netascii both ways', async () => {
    const text = 'line one\nline two\r\nbare\rcarriage\n\nend without newline';
    const wire = 'line one\r\nline two\r\0\r\nbare\r\0carriage\r\n\r\nend without newline';
    const name = await serverFile(text);
    // Down: tftpd-hpa sends CR LF for LF and CR NUL for CR; we turn them back.
    const relay = await LossyRelay.start({ serverPort: port, captureData: true });
    try {
      const client = await tftpClient(relay.port, { mode: 'netascii' });
      expect((await download(client, name)).toString('latin1')).toBe(text);
      expect(Buffer.concat(relay.serverData).toString('latin1')).toBe(wire);
    } finally {
      relay.close();
    }
    // Up: we send the same netascii; tftpd-hpa stores LF and CR again, so the file arrives unchanged.
    const uploaded = uploadName('hpa-ascii-up');
    await upload(await tftpClient(port, { mode: 'netascii' }), uploaded, Buffer.from(text, 'latin1'));
    expect((await readFile(join(root, uploaded))).toString('latin1')).toBe(text);
  });

  it('reports the size from tsize as progress goes', async () => {
    const content = randomBytes(100_000);
    const name = await serverFile(content);
    const client = await tftpClient(port, { blksize: 1024 });
    const totals = new Set<number | undefined>();
    let last = 0;
    await download(client, name, {
      onProgress: (bytes, total) => {
        totals.add(total);
        last = bytes;
      },
    });
    expect([...totals]).toEqual([content.length]);
    expect(last).toBe(content.length);
  });

  it('maps a missing file to NOT_FOUND with the TFTP error code', async () => {
    const client = await tftpClient(port);
    const error = (await download(client, 'no-such-file.bin').catch((e: unknown) => e)) as FerryError;
    expect(error).toBeInstanceOf(FerryError);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.replyCode).toBe(1);
  });

  it('leaves only the partial file when a download fails, never the final name', async () => {
    const client = await tftpClient(port);
    const target = join(local, 'missing.bin');
    await expect(downloadFile(client, '/no-such-file.bin', target)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('cancels a download with the AbortSignal and tells the server', async () => {
    const content = randomBytes(4 * 1024 * 1024);
    const name = await serverFile(content);
    const relay = await LossyRelay.start({ serverPort: port });
    try {
      const client = await tftpClient(relay.port, { blksize: 512 });
      const controller = new AbortController();
      const target = join(local, 'canceled.bin');
      const failure = downloadFile(client, `/${name}`, target, {
        signal: controller.signal,
        onProgress: (bytes) => {
          if (bytes > 100_000) controller.abort();
        },
      });
      await expect(failure).rejects.toMatchObject({ code: 'CANCELED' });
      await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
      expect((await stat(`${target}.ferrypart`)).size).toBeGreaterThan(100_000);
      await expect.poll(() => relay.fromClient.ERROR).toBe(1);
    } finally {
      relay.close();
    }
  });

  it('times out when the network dies mid-transfer, saying how far it got', async () => {
    const content = randomBytes(1024 * 1024);
    const name = await serverFile(content);
    const relay = await LossyRelay.start({ serverPort: port, cutAfter: 200 });
    try {
      const client = await tftpClient(relay.port, { timeout: 1, retries: 2 });
      const target = join(local, 'cut.bin');
      const error = (await downloadFile(client, `/${name}`, target).catch((e: unknown) => e)) as FerryError;
      expect(error).toBeInstanceOf(FerryError);
      expect(error.code).toBe('TIMEOUT');
      const bytes = Number(error.details?.bytes);
      const blocks = Number(error.details?.blocks);
      expect(blocks).toBeGreaterThan(50);
      expect(bytes).toBe(blocks * 512);
      expect(error.details?.expectedBytes).toBe(content.length);
      expect(error.message).toContain(`${bytes} of ${content.length} bytes (${blocks} blocks)`);
      // The partial holds exactly what arrived; nothing is under the final name.
      expect((await stat(`${target}.ferrypart`)).size).toBe(bytes);
      await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      relay.close();
    }
  });

  it('times out on a port where nothing answers, saying so, and not worth retrying at once', async () => {
    const silent = await freeUdpPort();
    const client = await tftpClient(silent, { timeout: 1, retries: 1 });
    const error = (await download(client, 'x.bin').catch((e: unknown) => e)) as FerryError;
    expect(error.code).toBe('TIMEOUT');
    expect(error.details).toMatchObject({ bytes: 0, blocks: 0 });
    expect(error.message).toContain('is a TFTP server running there');
    // A queue would otherwise try the whole exchange again, and again.
    expect(error.retryable).toBe(false);
  });
});
