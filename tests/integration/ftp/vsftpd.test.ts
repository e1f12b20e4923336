// Ferry's FTP engine against the real vsftpd from tests/servers/, in every
// combination of data mode (passive, active) and TLS (plain, explicit,
// implicit), with require_ssl_reuse=YES on the server's side.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { lchownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FtpFileSystem } from '../../../electron/core/protocols/ftp/ftpFileSystem.js';
import { openRemote } from '../../../electron/core/remote/openRemote.js';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { partialPathFor } from '../../../electron/core/transfers/partialFile.js';
import { uploadFile } from '../../../electron/core/transfers/uploadFile.js';
import type { FerryError } from '../../../shared/errors.js';
import { parseFerryUrl } from '../../../shared/url.js';
import {
  connect,
  DATA_MODES,
  servers,
  scratchFolder,
  sha256,
  TLS_VARIANTS,
  urlFor,
  user,
  writeOwned,
  type DataMode,
  type Session,
  type TlsVariant,
} from './ftpFixtures.js';
import { failure } from '../failure.js';

const MEDIUM_SIZE = 3 * 1024 * 1024 + 17;
const medium = randomBytes(MEDIUM_SIZE);
const small = Buffer.from('Ferry says hello over FTP\n');
/** Many times what a slow destination queues (16 KiB) before the engine pauses the data connection. */
const QUEUE_PASSING_SIZE = 12 * 1024 * 1024 + 5;
const queuePassing = randomBytes(QUEUE_PASSING_SIZE);
/** Larger than every socket buffer on the way, so a cancel always finds the transfer running. */
const CANCEL_SIZE = 48 * 1024 * 1024;

const scratch = scratchFolder('vsftpd');
const local = mkdtempSync(join(tmpdir(), 'ferry-ftp-'));

beforeAll(() => {
  writeOwned(join(scratch.local, 'medium.bin'), medium);
  writeOwned(join(scratch.local, 'small.txt'), small);
  writeOwned(join(scratch.local, 'queue-passing.bin'), queuePassing);
  writeOwned(join(scratch.local, 'cancel.bin'), Buffer.alloc(CANCEL_SIZE, 0x5a));
  writeOwned(join(scratch.local, '.hidden'), 'secret');
  writeOwned(join(scratch.local, 'with space.txt'), small);
  symlinkSync('small.txt', join(scratch.local, 'link'));
  lchownSync(join(scratch.local, 'link'), user.uid, user.gid);
});

afterAll(() => {
  scratch.remove();
  rmSync(local, { recursive: true, force: true });
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<FerryError> {
  const error = await failure(promise);
  expect(error.code).toBe(code);
  return error;
}

/** How many times the session logged in (1 when it never had to reconnect). */
function connections(session: Session): number {
  return session.lines.filter((line) => line.startsWith('info: Connecting to')).length;
}

/** Endless data, for uploads that get canceled. */
function endless(): Readable {
  const chunk = randomBytes(64 * 1024);
  return new Readable({
    read() {
      this.push(chunk);
    },
  });
}

describe('vsftpd certificate checks', () => {
  /** Opens a session without trusting the test certificate, logging every line. */
  function openUntrusted(variant: TlsVariant, trustFingerprint?: string) {
    const lines: string[] = [];
    const opening = openRemote(parseFerryUrl(urlFor(variant)), {
      user: user.name,
      password: user.password,
      ftp: trustFingerprint === undefined ? { keepaliveMs: 0 } : { keepaliveMs: 0, trustFingerprint },
      log: (kind, text) => lines.push(`${kind}: ${text}`),
    });
    return { opening, lines };
  }

  it.each<[TlsVariant, string | undefined]>([
    ['explicit', undefined],
    ['implicit', undefined],
    ['explicit', 'AA'.repeat(32)],
  ])('%s TLS, pinned %s: TLS_UNTRUSTED with the facts, before the user name is sent', async (variant, pin) => {
    const { opening, lines } = openUntrusted(variant, pin);
    const error = await expectCode(opening, 'TLS_UNTRUSTED');
    expect(error.details).toMatchObject({
      fingerprint256: servers.tls.fingerprint256,
      subject: 'CN=localhost',
      issuer: 'CN=localhost',
    });
    expect(error.details?.['validTo']).toEqual(expect.any(String));
    expect(error.message).toContain(servers.tls.fingerprint256);
    expect(lines.some((line) => line.startsWith('command: USER'))).toBe(false);
  });

  it('refuses a pinned fingerprint that is not one before connecting', async () => {
    const { opening, lines } = openUntrusted('explicit', 'SHA256:not-hex');
    await expectCode(opening, 'INVALID_INPUT');
    expect(lines).toEqual([]);
  });
});

describe('vsftpd active mode behind NAT', () => {
  it('listens on a port from the range and announces the external address', async () => {
    const session = await connect('explicit', 'active', {
      activePortRange: { min: 45_100, max: 45_109 },
      activeExternalAddress: servers.host,
    });
    try {
      expect((await session.remote.list(user.home)).length).toBeGreaterThan(0);
      const eprt = session.lines.find((line) => line.startsWith('command: EPRT'));
      const port = Number(/\|(\d+)\|$/.exec(eprt ?? '')?.[1]);
      expect(eprt).toContain(`|1|${servers.host}|`);
      expect(port).toBeGreaterThanOrEqual(45_100);
      expect(port).toBeLessThanOrEqual(45_109);
    } finally {
      await session.remote.close();
    }
  });
});

describe.each(DATA_MODES.flatMap((mode) => TLS_VARIANTS.map((variant) => [variant, mode] as const)))(
  'vsftpd %s, %s',
  (variant: TlsVariant, mode: DataMode) => {
    const folder = join(scratch.remote, `${variant}-${mode}`);
    const localFolder = join(local, `${variant}-${mode}`);
    let session: Session;

    beforeAll(async () => {
      session = await connect(variant, mode);
      await session.remote.mkdir(folder);
      writeFileSync(join(local, '.keep'), '');
      rmSync(localFolder, { recursive: true, force: true });
      await import('node:fs/promises').then((fs) => fs.mkdir(localFolder));
    });

    afterAll(async () => {
      await session.remote.close();
    });

    it('logs in with the security the URL asks for and reports its capabilities', () => {
      const text = session.lines.join('\n');
      expect(text.includes('command: AUTH TLS')).toBe(variant === 'explicit');
      expect(text.includes('command: PROT P')).toBe(variant !== 'plain');
      expect(/info: TLS TLSv1\.[23] established/.test(text)).toBe(variant !== 'plain');
      // The password never reaches the log.
      expect(text).not.toContain(user.password);
      expect(text).toContain('command: PASS ****');
      expect(session.remote.initialFolder).toBe(user.home);
      // vsftpd has no HASH, XSHA256, XSHA1 or XMD5.
      expect(session.remote.capabilities.hash).toEqual([]);
      expect(session.remote.capabilities.setModified).toBe(true);
    });

    it('refuses to hash (no checksum command on vsftpd)', async () => {
      await expectCode(session.remote.hash(join(scratch.remote, 'small.txt'), 'sha256'), 'UNSUPPORTED');
    });

    it('lists a folder: files, hidden files, a symlink, names with spaces, sizes and times', async () => {
      const entries = await session.remote.list(scratch.remote);
      const byName = new Map(entries.map((entry) => [entry.name, entry]));
      expect(byName.get('medium.bin')).toMatchObject({ type: 'file', size: MEDIUM_SIZE, hidden: false });
      expect(byName.get('small.txt')).toMatchObject({ type: 'file', size: small.length });
      expect(byName.get('with space.txt')).toMatchObject({ type: 'file', size: small.length });
      expect(byName.get('.hidden')).toMatchObject({ type: 'file', hidden: true });
      expect(byName.get('link')).toMatchObject({ type: 'symlink', linkTarget: 'small.txt' });
      expect(byName.get(`${variant}-${mode}`)).toMatchObject({ type: 'directory' });
      expect(byName.has('.')).toBe(false);
      expect(byName.has('..')).toBe(false);
      const modified = byName.get('medium.bin')?.modified ?? 0;
      expect(Math.abs(modified - statSync(join(scratch.local, 'medium.bin')).mtimeMs)).toBeLessThan(61_000);
    });

    it('stats a file, a folder, and reports a missing one as NOT_FOUND', async () => {
      expect(await session.remote.stat(join(scratch.remote, 'medium.bin'))).toMatchObject({
        name: 'medium.bin',
        type: 'file',
        size: MEDIUM_SIZE,
      });
      expect(await session.remote.stat(folder)).toMatchObject({ type: 'directory' });
      await expectCode(session.remote.stat(join(scratch.remote, 'missing.bin')), 'NOT_FOUND');
    });

    it('reports a file size by SIZE alone, and a missing file as NOT_FOUND', async () => {
      const ftp = session.remote;
      if (!(ftp instanceof FtpFileSystem)) throw new Error('not an FTP session');
      expect(await ftp.size(join(scratch.remote, 'medium.bin'))).toBe(MEDIUM_SIZE);
      await expectCode(ftp.size(join(scratch.remote, 'missing.bin')), 'NOT_FOUND');
    });

    it('downloads a file byte for byte, through a partial file, keeping its time', async () => {
      const target = join(localFolder, 'medium.bin');
      const result = await downloadFile(session.remote, join(scratch.remote, 'medium.bin'), target);
      expect(result).toMatchObject({ transferred: MEDIUM_SIZE, size: MEDIUM_SIZE, verified: 'size' });
      expect(sha256(readFileSync(target))).toBe(sha256(medium));
      expect(existsSync(partialPathFor(target))).toBe(false);
      const remoteTime = Math.floor(statSync(join(scratch.local, 'medium.bin')).mtimeMs / 1000);
      expect(Math.floor(statSync(target).mtimeMs / 1000)).toBe(remoteTime);
    });

    it('downloads byte for byte into a destination slower than the network, pausing and resuming', async () => {
      const received: Buffer[] = [];
      let mostQueued = 0;
      const slow = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          received.push(chunk);
          mostQueued = Math.max(mostQueued, this.writableLength);
          setTimeout(callback, 1);
        },
      });
      const bytes = await session.remote.download(join(scratch.remote, 'queue-passing.bin'), slow);
      expect(bytes).toBe(QUEUE_PASSING_SIZE);
      // The engine hands everything over without ending the destination; what it queued is written now.
      slow.end();
      await finished(slow);
      // The engine paused the data connection whenever the destination said it was behind (its 16 KiB
      // highWaterMark), so at most one read more waited (up to 4 MiB, a read slab): not the file.
      expect(mostQueued).toBeGreaterThan(0);
      expect(mostQueued).toBeLessThan(4.5 * 1024 * 1024);
      expect(sha256(Buffer.concat(received))).toBe(sha256(queuePassing));
    });

    it.each([0, 1, MEDIUM_SIZE - 1])('resumes a download from a partial of %i bytes', async (have) => {
      const target = join(localFolder, `resume-${have}.bin`);
      writeFileSync(partialPathFor(target), medium.subarray(0, have));
      const result = await downloadFile(session.remote, join(scratch.remote, 'medium.bin'), target, { resume: true });
      expect(result.transferred).toBe(MEDIUM_SIZE - have);
      expect(sha256(readFileSync(target))).toBe(sha256(medium));
      if (have > 0) expect(session.lines).toContain(`command: REST ${have}`);
    });

    it('uploads a file byte for byte and keeps its modification time (MDTM with a time on vsftpd)', async () => {
      const source = join(localFolder, 'upload.bin');
      writeFileSync(source, medium);
      const when = new Date('2021-03-04T05:06:07Z');
      const { utimesSync } = await import('node:fs');
      utimesSync(source, when, when);
      const remotePath = join(folder, 'upload.bin');
      const result = await uploadFile(session.remote, source, remotePath);
      expect(result).toMatchObject({ transferred: MEDIUM_SIZE, size: MEDIUM_SIZE, verified: 'size' });
      expect(sha256(readFileSync(remotePath))).toBe(sha256(medium));
      expect(statSync(remotePath).mtime.toISOString()).toBe(when.toISOString());
    });

    it('resumes an upload after what the server already has', async () => {
      const source = join(localFolder, 'resume-upload.bin');
      writeFileSync(source, medium);
      const remotePath = join(folder, 'resume-upload.bin');
      const half = Math.floor(MEDIUM_SIZE / 2);
      writeOwned(remotePath, medium.subarray(0, half));
      const result = await uploadFile(session.remote, source, remotePath, { resume: true, keepModified: false });
      expect(result.transferred).toBe(MEDIUM_SIZE - half);
      expect(sha256(readFileSync(remotePath))).toBe(sha256(medium));
    });

    it('uploads at an offset with REST + STOR when the server copy is not exactly the prefix', async () => {
      const remotePath = join(folder, 'rest-stor.bin');
      // The server's copy is longer than the offset; REST + STOR rewrites from there.
      writeOwned(remotePath, Buffer.concat([medium.subarray(0, 1000), Buffer.alloc(500, 0x21)]));
      const sent = await session.remote.upload(Readable.from([medium.subarray(1000, 2000)]), remotePath, {
        offset: 1000,
      });
      expect(sent).toBe(1000);
      expect(session.lines).toContain('command: REST 1000');
      expect(readFileSync(remotePath).subarray(0, 2000).equals(medium.subarray(0, 2000))).toBe(true);
    });

    it('moves an empty file both ways (a data connection that closes at once)', async () => {
      const source = join(localFolder, 'empty-up');
      writeFileSync(source, '');
      const remotePath = join(folder, 'empty');
      expect((await uploadFile(session.remote, source, remotePath)).size).toBe(0);
      expect(statSync(remotePath).size).toBe(0);
      const target = join(localFolder, 'empty-down');
      expect(await downloadFile(session.remote, remotePath, target)).toMatchObject({ size: 0, verified: 'size' });
      expect(readFileSync(target).length).toBe(0);
      // The listing of a folder with nothing in it is empty, not an error.
      const emptyFolder = join(folder, 'nothing-here');
      await session.remote.mkdir(emptyFolder);
      expect(await session.remote.list(emptyFolder)).toEqual([]);
    });

    it('makes, renames, chmods, deletes and removes', async () => {
      const { remote } = session;
      const sub = join(folder, 'sub');
      await remote.mkdir(sub);
      expect(statSync(sub).isDirectory()).toBe(true);
      await expectCode(remote.mkdir(sub), 'ALREADY_EXISTS');
      writeOwned(join(sub, 'a.txt'), small);
      await remote.rename(join(sub, 'a.txt'), join(sub, 'b.txt'));
      expect(existsSync(join(sub, 'a.txt'))).toBe(false);
      expect(readFileSync(join(sub, 'b.txt')).equals(small)).toBe(true);
      await expectCode(remote.rename(join(sub, 'nope'), join(sub, 'c')), 'NOT_FOUND');
      await remote.chmod(join(sub, 'b.txt'), 0o640);
      expect(statSync(join(sub, 'b.txt')).mode & 0o777).toBe(0o640);
      const modified = new Date('2019-12-31T23:59:58Z');
      await remote.setModified(join(sub, 'b.txt'), modified);
      expect(statSync(join(sub, 'b.txt')).mtime.toISOString()).toBe(modified.toISOString());
      expect((await remote.stat(join(sub, 'b.txt'))).modified).toBe(modified.getTime());
      await remote.delete(join(sub, 'b.txt'));
      expect(existsSync(join(sub, 'b.txt'))).toBe(false);
      await expectCode(remote.delete(join(sub, 'b.txt')), 'NOT_FOUND');
      await remote.rmdir(sub);
      expect(existsSync(sub)).toBe(false);
    });

    it('cancels a download mid-transfer with ABOR and keeps using the same session', async () => {
      const controller = new AbortController();
      let received = 0;
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          if (received >= 1024 * 1024) controller.abort();
          callback();
        },
      });
      const before = connections(session);
      const sent = session.lines.length;
      await expectCode(
        session.remote.download(join(scratch.remote, 'cancel.bin'), sink, { signal: controller.signal }),
        'CANCELED',
      );
      expect(received).toBeLessThan(CANCEL_SIZE);
      // The 426/226 dance: ABOR, the transfer's failure, then ABOR's own answer.
      const after = session.lines.slice(sent);
      const abor = after.indexOf('command: ABOR');
      expect(abor).toBeGreaterThan(0);
      expect(after[abor + 1]).toMatch(/^reply: 426 /);
      expect(after[abor + 2]).toMatch(/^reply: 22[56] /);
      const entries = await session.remote.list(scratch.remote);
      expect(entries.map((entry) => entry.name)).toContain('medium.bin');
      expect(connections(session)).toBe(before);
    });

    it('cancels an upload mid-transfer and keeps using the same session', async () => {
      const controller = new AbortController();
      const before = connections(session);
      await expectCode(
        session.remote.upload(endless(), join(folder, 'canceled.bin'), {
          signal: controller.signal,
          onProgress: (bytes) => {
            if (bytes >= 2 * 1024 * 1024) controller.abort();
          },
        }),
        'CANCELED',
      );
      expect((await session.remote.stat(join(scratch.remote, 'small.txt'))).size).toBe(small.length);
      expect(connections(session)).toBe(before);
    });

    it('resumed the TLS session on every data connection (vsftpd requires it)', () => {
      expect(session.lines.filter((line) => line.includes('did not resume'))).toEqual([]);
      expect(session.lines.filter((line) => line.startsWith('command: RETR')).length).toBeGreaterThan(4);
    });

    it('refuses a path with a line break before sending anything', async () => {
      const sent = session.lines.length;
      await expectCode(session.remote.delete(`${folder}/x\r\nDELE ${folder}/y`), 'INVALID_INPUT');
      expect(session.lines.slice(sent).filter((line) => line.startsWith('command:'))).toEqual([]);
    });
  },
);
