// Ferry's FTP engine against a scripted server that misbehaves on purpose
// (tests/servers/hostileFtpServer.ts). Each case checks the error code and
// that nothing is left half-written or sent where it must not go.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FtpConnectOptions } from '../../../electron/core/remote/connectOptions.js';
import { openRemote } from '../../../electron/core/remote/openRemote.js';
import type { RemoteFileSystem } from '../../../electron/core/remote/remoteFileSystem.js';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { partialPathFor } from '../../../electron/core/transfers/partialFile.js';
import { uploadFile } from '../../../electron/core/transfers/uploadFile.js';
import { parseFerryUrl } from '../../../shared/url.js';
import { loadServers } from '../../servers/config.js';
import { startHostileFtpServer, type HostileScenario, type HostileServer } from '../../servers/hostileFtpServer.js';
import { failure } from '../failure.js';

const servers = loadServers();
const local = mkdtempSync(join(tmpdir(), 'ferry-ftp-hostile-'));
let server: HostileServer | null = null;
let remote: RemoteFileSystem | null = null;

afterEach(async () => {
  await remote?.close();
  await server?.close();
  remote = null;
  server = null;
});

afterAll(() => {
  rmSync(local, { recursive: true, force: true });
});

async function start(scenario: HostileScenario, fileSize?: number): Promise<HostileServer> {
  server = await startHostileFtpServer(scenario, {
    certPath: servers.tls.certPath,
    keyPath: servers.tls.keyPath,
    fileSize,
  });
  return server;
}

async function open(
  hostile: HostileServer,
  scheme: 'ftp' | 'ftpes' = 'ftp',
  ftp: FtpConnectOptions = {},
): Promise<RemoteFileSystem> {
  remote = await openRemote(parseFerryUrl(`${scheme}://127.0.0.1:${hostile.port}/`), {
    user: 'someone',
    password: 'the-secret',
    ftp: { trustFingerprint: servers.tls.fingerprint256, keepaliveMs: 0, ...ftp },
  });
  return remote;
}

function sentPassword(hostile: HostileServer): boolean {
  return hostile.commands.some((command) => /^(USER|PASS)\b/i.test(command));
}

describe('passive replies that point elsewhere or make no sense', () => {
  it('connects to the control host when PASV names 127.0.0.2', async () => {
    const hostile = await start('pasv-foreign-host');
    const ftp = await open(hostile);
    const entries = await ftp.list('/');
    expect(entries.map((entry) => entry.name)).toEqual(['file.txt']);
    expect(hostile.commands).toContain('PASV');
    expect(hostile.dataConnections).toBe(1);
    expect(hostile.foreignConnections).toBe(0);
  });

  it('follows the PASV host only when the site allows it', async () => {
    const hostile = await start('pasv-foreign-host');
    const ftp = await open(hostile, 'ftp', { allowForeignPassiveHost: true });
    // The hostile server hangs up on anyone at 127.0.0.2.
    await failure(ftp.list('/'));
    expect(hostile.foreignConnections).toBe(1);
    expect(hostile.dataConnections).toBe(0);
  });

  it.each<[HostileScenario, string]>([
    ['pasv-field-256', 'PASV'],
    ['pasv-port-0', 'PASV'],
    ['epsv-out-of-range', 'EPSV'],
  ])('%s is a PROTOCOL error', async (scenario, command) => {
    const hostile = await start(scenario);
    const ftp = await open(hostile);
    const error = await failure(ftp.list('/'));
    expect(error.code).toBe('PROTOCOL');
    expect(hostile.commands).toContain(command);
    expect(hostile.commands.some((line) => line.startsWith('LIST'))).toBe(false);
    expect(hostile.dataConnections).toBe(0);
  });
});

describe('servers that dodge TLS when it was asked for', () => {
  it.each<HostileScenario>(['greeting-230', 'pipelined-after-234', 'auth-refused'])(
    '%s: TLS_REQUIRED, and neither user name nor password is sent',
    async (scenario) => {
      const hostile = await start(scenario);
      const error = await failure(open(hostile, 'ftpes'));
      expect(error.code).toBe('TLS_REQUIRED');
      expect(sentPassword(hostile)).toBe(false);
    },
  );

  it('prot-refused: TLS_REQUIRED after a login that happened over TLS only', async () => {
    const hostile = await start('prot-refused');
    const error = await failure(open(hostile, 'ftpes'));
    expect(error.code).toBe('TLS_REQUIRED');
    const auth = hostile.commands.indexOf('AUTH TLS');
    const user = hostile.commands.findIndex((command) => command.startsWith('USER'));
    expect(auth).toBeGreaterThanOrEqual(0);
    expect(user).toBeGreaterThan(auth);
  });

  it('a 230 greeting without TLS asked for is simply a server that needs no login', async () => {
    const hostile = await start('greeting-230');
    const ftp = await open(hostile);
    expect(ftp.initialFolder).toBe('/');
    expect(sentPassword(hostile)).toBe(false);
  });
});

describe('replies too large to be real', () => {
  it.each<HostileScenario>(['huge-reply-line', 'endless-reply'])('%s is a PROTOCOL error', async (scenario) => {
    const hostile = await start(scenario);
    const error = await failure(open(hostile));
    expect(error.code).toBe('PROTOCOL');
    expect(hostile.commands).toContain('FEAT');
  });
});

describe('time and lost connections', () => {
  it('a server that never greets: TIMEOUT', async () => {
    const hostile = await start('silent');
    const error = await failure(open(hostile, 'ftp', { replyTimeoutMs: 300 }));
    expect(error.code).toBe('TIMEOUT');
    expect(hostile.controlConnections).toBe(1);
  });

  it('reconnects and logs in again when the control connection was lost', async () => {
    const hostile = await start('well-behaved');
    const ftp = await open(hostile);
    expect(await ftp.list('/')).toHaveLength(1);
    hostile.dropConnections();
    // The loss is noticed by the next command, which runs on a new connection.
    await expect
      .poll(() =>
        ftp.list('/').then(
          (entries) => entries.length,
          () => 'failed',
        ),
      )
      .toBe(1);
    expect(hostile.controlConnections).toBe(2);
    expect(hostile.commands.filter((command) => command.startsWith('PASS'))).toHaveLength(2);
  });

  it('sends NOOP while idle', async () => {
    const hostile = await start('well-behaved');
    await open(hostile, 'ftp', { keepaliveMs: 50 });
    await expect.poll(() => hostile.commands.filter((command) => command === 'NOOP').length).toBeGreaterThan(1);
  });
});

describe('listings and data connections that go wrong', () => {
  it('ends a listing that never ends at its byte limit', async () => {
    const hostile = await start('endless-listing');
    const ftp = await open(hostile, 'ftp', { listingMaxBytes: 4 * 1024 * 1024 });
    const error = await failure(ftp.list('/'));
    expect(error.code).toBe('PROTOCOL');
    expect(error.message).toMatch(/larger than/);
    expect(hostile.commands).toContain('ABOR');
  });

  it('ends a listing that never ends at its entry limit', async () => {
    const hostile = await start('endless-listing');
    const ftp = await open(hostile, 'ftp', { listingMaxEntries: 10_000 });
    const error = await failure(ftp.list('/'));
    expect(error.code).toBe('PROTOCOL');
    expect(error.message).toMatch(/more than 10000 entries/);
  });

  it('a data connection reset halfway: CONNECTION_LOST, and no file under the final name', async () => {
    const hostile = await start('reset-at-half', 4 * 1024 * 1024);
    const ftp = await open(hostile);
    const target = join(local, 'reset.bin');
    const error = await failure(downloadFile(ftp, '/file.bin', target));
    expect(error.code).toBe('CONNECTION_LOST');
    expect(error.retryable).toBe(true);
    expect(existsSync(target)).toBe(false);
    // What was kept for a resume is a true prefix of the file, never more.
    const kept = existsSync(partialPathFor(target)) ? readFileSync(partialPathFor(target)) : Buffer.alloc(0);
    expect(kept.length).toBeLessThan(4 * 1024 * 1024);
    expect(kept.every((byte) => byte === 0x46)).toBe(true);
  });

  it('a stall after 150: TIMEOUT, and no file under the final name', async () => {
    const hostile = await start('stall-after-150');
    const ftp = await open(hostile, 'ftp', { dataTimeoutMs: 500, replyTimeoutMs: 2_000 });
    const target = join(local, 'stall.bin');
    const error = await failure(downloadFile(ftp, '/file.bin', target));
    expect(error.code).toBe('TIMEOUT');
    expect(existsSync(target)).toBe(false);
    // Nothing arrived, so no partial worth resuming is kept either.
    expect(existsSync(partialPathFor(target)) ? statSync(partialPathFor(target)).size : 0).toBe(0);
    expect(hostile.commands).toContain('ABOR');
    // The server answered ABOR, so the same session goes on.
    expect(await ftp.list('/')).toHaveLength(1);
    expect(hostile.controlConnections).toBe(1);
  });

  it('hashes with the legacy XSHA256 and XMD5 commands when HASH is not offered', async () => {
    const hostile = await start('well-behaved', 1000);
    const ftp = await open(hostile);
    expect(ftp.capabilities.hash).toEqual(['sha256', 'md5']);
    const content = Buffer.alloc(1000, 0x46);
    expect(await ftp.hash('/file.bin', 'sha256')).toBe(createHash('sha256').update(content).digest('hex'));
    expect(await ftp.hash('/file.bin', 'md5')).toBe(createHash('md5').update(content).digest('hex'));
    expect(hostile.commands).toEqual(expect.arrayContaining(['XSHA256 /file.bin', 'XMD5 /file.bin']));
    const error = await failure(ftp.hash('/file.bin', 'sha1'));
    expect(error.code).toBe('UNSUPPORTED');
  });

  it('a well-behaved download through the same server lands under the final name', async () => {
    const hostile = await start('well-behaved', 123_457);
    const ftp = await open(hostile);
    const target = join(local, 'good.bin');
    const result = await downloadFile(ftp, '/file.bin', target);
    expect(result.size).toBe(123_457);
    expect(existsSync(target)).toBe(true);
  });
});

describe('commands sent together', () => {
  it('asks the size and sets the time right after an upload', async () => {
    const hostile = await start('well-behaved');
    const ftp = await open(hostile);
    const source = join(local, 'together.bin');
    writeFileSync(source, randomBytes(10_000));
    const result = await uploadFile(ftp, source, '/together.bin');
    expect(result.verified).toBe('size');
    expect(hostile.uploaded?.equals(readFileSync(source))).toBe(true);
    const afterStor = hostile.commands.slice(hostile.commands.indexOf('STOR /together.bin') + 1);
    expect(afterStor.map((line) => line.split(' ')[0])).toEqual(['SIZE', 'MDTM']);
  });

  it('asks one at a time, after one timeout, a server that drops commands sent together', async () => {
    const hostile = await start('one-command-per-read');
    const ftp = await open(hostile, 'ftp', { replyTimeoutMs: 1_000 });
    const source = join(local, 'apart.bin');
    writeFileSync(source, randomBytes(10_000));
    // The server confirmed the upload (226) and then lost the MDTM sent
    // together with SIZE: the file is not sent again, only checked again
    // over a new connection, one command at a time.
    const result = await uploadFile(ftp, source, '/apart.bin');
    expect(result.verified).toBe('size');
    expect(hostile.uploaded?.equals(readFileSync(source))).toBe(true);
    expect(hostile.commands.filter((line) => line.startsWith('STOR'))).toHaveLength(1);
    const afterUpload = hostile.commands.slice(hostile.commands.lastIndexOf('STOR /apart.bin') + 1);
    const verbs = afterUpload.map((line) => line.split(' ')[0]);
    // SIZE with the lost MDTM, a new login, then SIZE and MDTM apart.
    expect(verbs[0]).toBe('SIZE');
    expect(verbs).toContain('USER');
    expect(verbs.slice(-2)).toEqual(['SIZE', 'MDTM']);
    // The dropped MDTM never arrived; the one sent on its own did.
    expect(hostile.commands.filter((line) => line.startsWith('MDTM'))).toHaveLength(1);
    // A second upload to the same server asks one at a time from the start.
    await uploadFile(ftp, source, '/again.bin');
    const again = hostile.commands.slice(hostile.commands.lastIndexOf('STOR /again.bin') + 1);
    expect(again.map((line) => line.split(' ')[0])).toEqual(['SIZE', 'MDTM']);
  });
});
