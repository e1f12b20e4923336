// Misbehaviour no real server shows, from a scripted in-process SFTP
// server: oversized READ replies, replies to request ids never sent,
// replies out of order, failures under concurrency, hostile names, and a
// check-file extension.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { SftpFileSystem } from '../../../electron/core/protocols/sftp/sftpFileSystem.js';
import { openRemote } from '../../../electron/core/remote/openRemote.js';
import type { SftpConnectOptions } from '../../../electron/core/remote/connectOptions.js';
import { parseFerryUrl } from '../../../shared/url.js';
import {
  startScriptedSftpServer,
  type ScriptedSftpOptions,
  type ScriptedSftpServer,
} from '../../servers/scriptedSftpServer.js';
import { asSftp, dataFolder, removeAll, removeDataFolders, sha256 } from './sftpTestKit.js';

const open: { server: ScriptedSftpServer; remote: SftpFileSystem; folder: string }[] = [];

afterEach(async () => {
  for (const { server, remote, folder } of open.splice(0)) {
    await remote.close();
    await server.close();
    await removeAll(folder);
  }
  await removeDataFolders();
});

async function connect(
  options: ScriptedSftpOptions,
  sftp: SftpConnectOptions = {},
): Promise<{ server: ScriptedSftpServer; remote: SftpFileSystem }> {
  const server = await startScriptedSftpServer(options);
  const folder = await dataFolder(false);
  const remote = asSftp(
    await openRemote(parseFerryUrl(`sftp://${server.user}@127.0.0.1:${server.port}/`), {
      password: server.password,
      dataFolder: folder,
      sftp: {
        agent: false,
        userKnownHostsFile: false,
        trustFingerprint: server.fingerprint,
        requestSize: 32 * 1024,
        ...sftp,
      },
    }),
  );
  open.push({ server, remote, folder });
  return { server, remote };
}

function collector(): { stream: Writable; data: () => Buffer } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    }),
    data: () => Buffer.concat(chunks),
  };
}

async function download(remote: SftpFileSystem, path: string): Promise<Buffer> {
  const sink = collector();
  await remote.download(path, sink.stream);
  return sink.data();
}

const content = randomBytes(40 * 32 * 1024 + 999);

describe('SFTP against a misbehaving server', () => {
  it('refuses a READ reply that carries more than asked, and the session goes on', async () => {
    const { server, remote } = await connect({ misbehaviour: { readExtraBytes: 100 } });
    server.files.set('/f.bin', content);
    await expect(download(remote, '/f.bin')).rejects.toMatchObject({
      code: 'PROTOCOL',
      message: expect.stringContaining('more data than requested') as unknown,
    });
    server.setMisbehaviour({});
    expect(sha256(await download(remote, '/f.bin'))).toBe(sha256(content));
  });

  it('ignores replies to request ids it never sent', async () => {
    const { server, remote } = await connect({ misbehaviour: { strayReplies: true } });
    server.files.set('/f.bin', content);
    expect(sha256(await download(remote, '/f.bin'))).toBe(sha256(content));
    await remote.upload(Readable.from([content]), '/up.bin');
    expect(sha256(server.files.get('/up.bin') ?? Buffer.alloc(0))).toBe(sha256(content));
    expect((await remote.list('/')).map((entry) => entry.name)).toContain('f.bin');
  });

  it('asks again for the rest after short reads', async () => {
    const { server, remote } = await connect({ misbehaviour: { maxReadReply: 1000 } });
    server.files.set('/f.bin', content);
    expect(sha256(await download(remote, '/f.bin'))).toBe(sha256(content));
  });

  it('lists hostile names without crashing and keeps them raw', async () => {
    const oddNames = ['../x', 'a/b', 'ctl\u0001\u0007\u001b[2J', 'tab\there', '..', '.', 'ok.txt'];
    const { remote } = await connect({ oddNames });
    const names = (await remote.list('/odd')).map((entry) => entry.name);
    expect(names).toEqual(['../x', 'a/b', 'ctl\u0001\u0007\u001b[2J', 'tab\there', 'ok.txt']);
  });

  it.each([1, 2, 3])(
    'lists every name when READDIR answers %i at a time and "." and ".." fill a reply of their own',
    async (batch) => {
      const { remote } = await connect({
        readdirBatch: batch,
        dotEntries: true,
        oddNames: ['a.txt', 'b.txt', 'c.txt'],
      });
      const names = (await remote.list('/odd')).map((entry) => entry.name).sort();
      expect(names).toEqual(['a.txt', 'b.txt', 'c.txt']);
    },
  );

  it('waits for a person typing a one-time code longer than the handshake timeout', async () => {
    const { remote } = await connect(
      { verificationCode: '271828' },
      {
        readyTimeout: 1500,
        onPrompt: () => new Promise((resolve) => setTimeout(() => resolve(['271828']), 2500)),
      },
    );
    expect(remote.protocol).toBe('sftp');
  });

  it('falls back to one request in flight when replies come out of order, and the file is still exact', async () => {
    const { server, remote } = await connect({ misbehaviour: { reorderReplies: true } }, { requestsInFlight: 16 });
    server.files.set('/f.bin', content);
    expect(remote.requestsInFlight).toBe(16);
    expect(sha256(await download(remote, '/f.bin'))).toBe(sha256(content));
    expect(remote.requestsInFlight).toBe(1);

    server.resetCounters();
    expect(sha256(await download(remote, '/f.bin'))).toBe(sha256(content));
    expect(server.maxBatch).toBe(1);
    await remote.upload(Readable.from([content]), '/up.bin');
    expect(server.maxBatch).toBe(1);
    expect(sha256(server.files.get('/up.bin') ?? Buffer.alloc(0))).toBe(sha256(content));
  });

  it('falls back to one request in flight and retries when the server fails a handle under load (download)', async () => {
    const { server, remote } = await connect(
      { misbehaviour: { failConcurrentRequests: true } },
      { requestsInFlight: 8 },
    );
    server.files.set('/f.bin', content);
    expect(sha256(await download(remote, '/f.bin'))).toBe(sha256(content));
    expect(remote.requestsInFlight).toBe(1);
  });

  it('falls back to one request in flight and re-sends when the server fails a handle under load (upload)', async () => {
    const { server, remote } = await connect(
      { misbehaviour: { failConcurrentRequests: true } },
      { requestsInFlight: 8 },
    );
    const sent = await remote.upload(Readable.from([content]), '/up.bin');
    expect(sent).toBe(content.length);
    expect(remote.requestsInFlight).toBe(1);
    expect(sha256(server.files.get('/up.bin') ?? Buffer.alloc(0))).toBe(sha256(content));
  });

  it('keeps many requests in flight after a failure that one at a time does not cure (a full disk)', async () => {
    const { remote } = await connect({ misbehaviour: { failWrites: true } }, { requestsInFlight: 8 });
    const failure = await remote.upload(Readable.from([content]), '/full.bin').catch((error: unknown) => error);
    expect(String(failure)).toContain('No space left on device');
    expect(remote.requestsInFlight).toBe(8);
  });

  it('learns where a file ends from a short READ at the size FSTAT gave, without asking past it', async () => {
    // Well under any server's limit, so every request asks exactly this much.
    const requestSize = 16 * 1024;
    const { server, remote } = await connect({}, { requestSize });
    const small = randomBytes(1000);
    server.files.set('/small.bin', small);
    server.files.set('/f.bin', content);
    expect(sha256(await download(remote, '/small.bin'))).toBe(sha256(small));
    expect(server.requests).toBe(1);
    server.resetCounters();
    expect(sha256(await download(remote, '/f.bin'))).toBe(sha256(content));
    // One READ per request's worth of the file, and no probe past the end.
    expect(server.requests).toBe(Math.ceil(content.length / requestSize));
  });

  it('keeps many requests in flight against a well-behaved server', async () => {
    const { server, remote } = await connect({}, { requestsInFlight: 16 });
    server.files.set('/f.bin', content);
    expect(sha256(await download(remote, '/f.bin'))).toBe(sha256(content));
    expect(server.maxBatch).toBeGreaterThan(1);
    expect(remote.requestsInFlight).toBe(16);
  });

  it('gives up with a retryable TIMEOUT when the server stops answering, and drops the session', async () => {
    const { server, remote } = await connect({ misbehaviour: { ignoreReads: true } }, { requestTimeout: 800 });
    server.files.set('/f.bin', content);
    await expect(download(remote, '/f.bin')).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
    await expect(remote.list('/')).rejects.toMatchObject({ code: 'CONNECTION_LOST', retryable: true });
  });

  it('times out a server that accepts the connection but never speaks SSH', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const folder = await dataFolder(false);
    try {
      await expect(
        openRemote(parseFerryUrl(`sftp://someone@127.0.0.1:${port}/`), {
          password: 'x',
          dataFolder: folder,
          sftp: { agent: false, userKnownHostsFile: false, readyTimeout: 500 },
        }),
      ).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
    } finally {
      silent.close();
      await removeAll(folder);
    }
  });

  it('hashes with the check-file extension when the server offers it', async () => {
    const { server, remote } = await connect({ extensions: { 'check-file': 'md5,sha1,sha256' } });
    server.files.set('/f.bin', content);
    expect(remote.capabilities.hash).toEqual(['sha256', 'sha1', 'md5']);
    expect(await remote.hash('/f.bin', 'sha256')).toBe(sha256(content));
    expect(await remote.hash('/f.bin', 'md5')).toBe(createHash('md5').update(content).digest('hex'));
    await expect(remote.hash('/missing', 'sha256')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The main channel is untouched by the side channel.
    expect(sha256(await download(remote, '/f.bin'))).toBe(sha256(content));
  });

  it('gives up hashing when the server never opens the side channel, by timeout or cancel', async () => {
    const { server, remote } = await connect(
      { extensions: { 'check-file': 'sha256' }, misbehaviour: { ignoreSecondChannel: true } },
      { requestTimeout: 800 },
    );
    server.files.set('/f.bin', content);
    await expect(remote.hash('/f.bin', 'sha256')).rejects.toMatchObject({ code: 'TIMEOUT' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(remote.hash('/f.bin', 'sha256', controller.signal)).rejects.toMatchObject({ code: 'CANCELED' });
  });

  /**
   * How `transfer` (started now) ended within `ms`: its error, 'done', or
   * 'still pending', and after how long; a transfer that hangs fails the
   * test at once rather than at the test timeout.
   */
  async function settleWithin(transfer: Promise<unknown>, ms: number): Promise<{ result: unknown; elapsed: number }> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      transfer.then(
        () => 'done',
        (error: unknown) => error,
      ),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('still pending'), ms);
      }),
    ]);
    clearTimeout(timer);
    return { result, elapsed: Date.now() - started };
  }

  const small = Buffer.alloc(1000, 7);
  const transfers = {
    download: (remote: SftpFileSystem, signal?: AbortSignal) =>
      remote.download('/f.bin', collector().stream, signal ? { signal } : {}),
    upload: (remote: SftpFileSystem, signal?: AbortSignal) =>
      remote.upload(Readable.from([small]), '/up.bin', signal ? { signal } : {}),
  };

  it.each(['download', 'upload'] as const)(
    'gives up with a retryable TIMEOUT when the server never answers an OPEN (%s), and drops the session',
    async (direction) => {
      const { server, remote } = await connect({}, { requestTimeout: 1000 });
      server.files.set('/f.bin', small);
      server.setMisbehaviour({ ignoreOpens: true });
      const { result, elapsed } = await settleWithin(transfers[direction](remote), 5000);
      expect(result).toMatchObject({ code: 'TIMEOUT', retryable: true });
      expect(elapsed).toBeGreaterThanOrEqual(900);
      await expect(remote.list('/')).rejects.toMatchObject({ code: 'CONNECTION_LOST', retryable: true });
    },
  );

  it.each(['download', 'upload'] as const)(
    'stops at once with CANCELED when canceled while the server has not answered an OPEN (%s)',
    async (direction) => {
      const { server, remote } = await connect({}, { requestTimeout: 1000 });
      server.files.set('/f.bin', small);
      server.setMisbehaviour({ ignoreOpens: true });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const { result, elapsed } = await settleWithin(transfers[direction](remote, controller.signal), 5000);
      expect(result).toMatchObject({ code: 'CANCELED' });
      // Well before the request timeout would have ended it.
      expect(elapsed).toBeLessThan(900);
      // A cancel is not a stall: the session stays.
      server.setMisbehaviour({});
      expect((await remote.list('/')).map((entry) => entry.name)).toContain('f.bin');
    },
  );

  it.each([
    ['fsync@openssh.com', { ignoreFsyncs: true }],
    ['FSTAT', { ignoreFstats: true }],
  ] as const)(
    'gives up with a retryable TIMEOUT when the server never answers the %s that finishes an upload',
    async (_request, misbehaviour) => {
      const { server, remote } = await connect({ extensions: { 'fsync@openssh.com': '1' } }, { requestTimeout: 1000 });
      server.setMisbehaviour(misbehaviour);
      const { result } = await settleWithin(transfers.upload(remote), 5000);
      expect(result).toMatchObject({ code: 'TIMEOUT', retryable: true });
      await expect(remote.list('/')).rejects.toMatchObject({ code: 'CONNECTION_LOST', retryable: true });
    },
  );

  it.each([
    ['the size of a resumed upload', { offset: 500 }],
    ['the time of a finished upload', { modified: new Date('2024-05-01T12:00:00Z') }],
  ] as const)(
    'gives up with a retryable TIMEOUT when the server never answers the FSETSTAT that sets %s',
    async (_what, options) => {
      const { server, remote } = await connect({}, { requestTimeout: 1000 });
      server.files.set('/up.bin', small);
      server.setMisbehaviour({ ignoreFsetstats: true });
      const { result } = await settleWithin(remote.upload(Readable.from([small]), '/up.bin', options), 5000);
      expect(result).toMatchObject({ code: 'TIMEOUT', retryable: true });
    },
  );

  it('stops at once with CANCELED when canceled while the server has not answered fsync@openssh.com', async () => {
    const { server, remote } = await connect({ extensions: { 'fsync@openssh.com': '1' } }, { requestTimeout: 1000 });
    server.setMisbehaviour({ ignoreFsyncs: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const { result, elapsed } = await settleWithin(transfers.upload(remote, controller.signal), 5000);
    expect(result).toMatchObject({ code: 'CANCELED' });
    expect(elapsed).toBeLessThan(900);
    server.setMisbehaviour({});
    expect((await remote.list('/')).map((entry) => entry.name)).toContain('up.bin');
  });
});

describe('an SFTP server that never opens another channel on a connection', () => {
  it('fails openSibling with TIMEOUT within the request timeout, and the session goes on', async () => {
    const { server, remote } = await connect({ misbehaviour: { ignoreSecondChannel: true } }, { requestTimeout: 300 });
    server.files.set('/kept.txt', Buffer.from('kept'));
    const started = Date.now();
    await expect(remote.openSibling()).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await remote.list('/')).map((entry) => entry.name)).toContain('kept.txt');
  });
});

describe('an SSH server that reports no exit status for a command', () => {
  const digest = createHash('sha256').update('content').digest('hex');

  it('still gives the hash its command printed', async () => {
    const { remote } = await connect(
      { execAnswer: { stdout: `${digest}  /file.txt\n`, exitStatus: null } },
      { allowRemoteHashCommand: true },
    );
    expect(await remote.hash('/file.txt', 'sha256')).toBe(digest);
  });

  it('fails when the command complained, or printed no checksum', async () => {
    const complained = await connect(
      { execAnswer: { stdout: '', stderr: 'sha256sum: /file.txt: No such file or directory\n', exitStatus: null } },
      { allowRemoteHashCommand: true },
    );
    await expect(complained.remote.hash('/file.txt', 'sha256')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const garbled = await connect(
      { execAnswer: { stdout: 'Welcome to the restricted shell\n', exitStatus: null } },
      { allowRemoteHashCommand: true },
    );
    await expect(garbled.remote.hash('/file.txt', 'sha256')).rejects.toMatchObject({ code: 'PROTOCOL' });
  });

  it('and one that reports a failure is believed, whatever it printed', async () => {
    const { remote } = await connect(
      { execAnswer: { stdout: `${digest}  /file.txt\n`, exitStatus: 1 } },
      { allowRemoteHashCommand: true },
    );
    await expect(remote.hash('/file.txt', 'sha256')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});
