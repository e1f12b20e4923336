// An in-process SSH server speaking SFTP v3 itself over the raw subsystem
// channel, for misbehaviour no real server shows: oversized READ replies,
// replies with unknown request ids, replies out of order, failures under
// concurrency, hostile names in listings, requests never answered, and a
// check-file extension.
// Loopback only; each test starts its own on a free port.
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import ssh2, { type Connection, type ServerChannel } from 'ssh2';

const { Server, utils } = ssh2;

const FXP = {
  INIT: 1,
  VERSION: 2,
  OPEN: 3,
  CLOSE: 4,
  READ: 5,
  WRITE: 6,
  LSTAT: 7,
  FSTAT: 8,
  SETSTAT: 9,
  FSETSTAT: 10,
  OPENDIR: 11,
  READDIR: 12,
  REMOVE: 13,
  MKDIR: 14,
  RMDIR: 15,
  REALPATH: 16,
  STAT: 17,
  RENAME: 18,
  READLINK: 19,
  STATUS: 101,
  HANDLE: 102,
  DATA: 103,
  NAME: 104,
  ATTRS: 105,
  EXTENDED: 200,
  EXTENDED_REPLY: 201,
} as const;

const STATUS = { OK: 0, EOF: 1, NO_SUCH_FILE: 2, FAILURE: 4, OP_UNSUPPORTED: 8 } as const;
const OPEN_WRITE = 0x02;
const OPEN_TRUNC = 0x10;

/** How the server misbehaves; everything off by default. */
export interface Misbehaviour {
  /** Junk bytes appended to every DATA reply (more than the client asked for). */
  readExtraBytes?: number;
  /** Before each reply, send a reply with a request id the client never used. */
  strayReplies?: boolean;
  /** Answer the READ/WRITE requests that arrive together in reverse order. */
  reorderReplies?: boolean;
  /** Answer FAILURE ("bad handle") to all but the first READ/WRITE of a batch. */
  failConcurrentRequests?: boolean;
  /** Answer FAILURE ("No space left on device") to every WRITE, as OpenSSH does on a full disk. */
  failWrites?: boolean;
  /** At most this many bytes per DATA reply (a legal short read). */
  maxReadReply?: number;
  /** Never answer READ requests (a stuck server). */
  ignoreReads?: boolean;
  /** Never answer a request for a second SFTP subsystem (a server whose channel limit is reached). */
  ignoreSecondChannel?: boolean;
  /** Refuse a second SFTP subsystem on a connection (OpenSSH at MaxSessions). */
  refuseSecondChannel?: boolean;
  /** Never answer OPEN requests (a server stuck on a hung mount). */
  ignoreOpens?: boolean;
  /** Never answer fsync@openssh.com (a flush stuck on a hung disk); announce the extension for the client to use it. */
  ignoreFsyncs?: boolean;
  /** Never answer FSTAT requests. */
  ignoreFstats?: boolean;
  /** Never answer FSETSTAT requests (a time or a size set on an open file). */
  ignoreFsetstats?: boolean;
}

export interface ScriptedSftpOptions {
  misbehaviour?: Misbehaviour;
  /** Extensions announced in VERSION, e.g. { 'check-file': 'md5,sha256' }. */
  extensions?: Record<string, string>;
  /** Names the folder /odd lists (kept exactly, hostile ones included). */
  oddNames?: string[];
  /**
   * A second factor, as PAM with a one-time-code module asks it: login by
   * keyboard-interactive only, a "Password:" round, then a "Verification
   * code:" round that only this answer passes.
   */
  verificationCode?: string;
  /** Names per READDIR reply (default: all at once). */
  readdirBatch?: number;
  /** The second-factor prompt text (default 'Verification code: '). */
  codePrompt?: string;
  /** List '.' and '..' first, as a real server does. */
  dotEntries?: boolean;
  /**
   * Answers every exec request (a shell hash) with this output. An
   * `exitStatus` of null sends none, as some servers do not.
   */
  execAnswer?: { stdout: string; stderr?: string; exitStatus: number | null };
}

export interface ScriptedSftpServer {
  port: number;
  /** The host key's fingerprint as `ssh-keygen -l` prints it. */
  fingerprint: string;
  user: string;
  password: string;
  /** The in-memory files, by absolute path; tests seed and inspect them. */
  files: Map<string, Buffer>;
  /** Ends every client connection, as a network drop or a restarted server would; keeps listening. */
  dropConnections(): void;
  /** The largest number of READ/WRITE requests that arrived together since the last reset. */
  maxBatch: number;
  /** How many READ/WRITE requests were seen since the last reset. */
  requests: number;
  resetCounters(): void;
  setMisbehaviour(misbehaviour: Misbehaviour): void;
  close(): Promise<void>;
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer;
}

function u64(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt(value));
  return buffer;
}

function str(value: string | Buffer): Buffer {
  const data = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([u32(data.length), data]);
}

function packet(type: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from([type]), ...parts]);
  return Buffer.concat([u32(body.length), body]);
}

function fileAttrs(size: number): Buffer {
  // SIZE | PERMISSIONS | ACMODTIME
  return Buffer.concat([u32(0x1 | 0x4 | 0x8), u64(size), u32(0o100644), u32(1_700_000_000), u32(1_700_000_000)]);
}

function dirAttrs(): Buffer {
  return Buffer.concat([u32(0x4 | 0x8), u32(0o040755), u32(1_700_000_000), u32(1_700_000_000)]);
}

/** Reads SSH wire values off a packet body. */
class Reader {
  private offset = 0;
  constructor(private readonly data: Buffer) {}
  byte(): number {
    return this.data.readUInt8(this.offset++);
  }
  u32(): number {
    const value = this.data.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  u64(): number {
    const value = Number(this.data.readBigUInt64BE(this.offset));
    this.offset += 8;
    return value;
  }
  bytes(): Buffer {
    const length = this.u32();
    const value = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  string(): string {
    return this.bytes().toString('utf8');
  }
}

interface OpenFile {
  path: string;
  kind: 'file' | 'dir';
  cursor?: number;
}

/**
 * A fresh ed25519 host key that ssh2 can read back. ssh2's generator now
 * and then writes an OpenSSH key its own parser calls malformed (a few runs
 * in a hundred); such a key would fail the test for the server's sake.
 */
function parsableHostKey(): { private: string; public: string } {
  for (;;) {
    const key = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(key.private) instanceof Error)) return key;
  }
}

/** Starts the server on 127.0.0.1 and a free port. */
export async function startScriptedSftpServer(options: ScriptedSftpOptions = {}): Promise<ScriptedSftpServer> {
  const hostKey = parsableHostKey();
  const publicBlob = Buffer.from(hostKey.public.split(' ')[1] ?? '', 'base64');
  const fingerprint = `SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`;
  const files = new Map<string, Buffer>();
  const folders = new Set<string>(['/', '/odd']);
  let misbehaviour: Misbehaviour = options.misbehaviour ?? {};
  const connections = new Set<Connection>();

  const state = {
    maxBatch: 0,
    requests: 0,
  };

  const serveChannel = (channel: ServerChannel): void => {
    let pending = Buffer.alloc(0);
    const handles = new Map<number, OpenFile>();
    let nextHandle = 1;
    let batch: { id: number; reply: () => Buffer }[] = [];
    let batchScheduled = false;
    let strayId = 0x7fff0000;

    const send = (data: Buffer): void => {
      if (misbehaviour.strayReplies) {
        channel.write(packet(FXP.STATUS, u32(strayId++), u32(STATUS.OK), str('stray'), str('')));
      }
      channel.write(data);
    };
    const status = (id: number, code: number, message = ''): Buffer =>
      packet(FXP.STATUS, u32(id), u32(code), str(message), str(''));

    const flushBatch = (): void => {
      batchScheduled = false;
      const current = batch;
      batch = [];
      state.maxBatch = Math.max(state.maxBatch, current.length);
      const ordered = misbehaviour.reorderReplies ? [...current].reverse() : current;
      for (const item of ordered) {
        const failIt = misbehaviour.failConcurrentRequests && current.length > 1 && item !== current[0];
        send(failIt ? status(item.id, STATUS.FAILURE, 'Invalid handle') : item.reply());
      }
    };
    /** READ and WRITE replies wait for the end of this turn, so requests that arrived together are seen together. */
    const queue = (id: number, reply: () => Buffer): void => {
      state.requests++;
      batch.push({ id, reply });
      if (!batchScheduled) {
        batchScheduled = true;
        setImmediate(flushBatch);
      }
    };

    const handleOf = (reader: Reader): OpenFile | undefined => {
      const raw = reader.bytes();
      return raw.length === 4 ? handles.get(raw.readUInt32BE(0)) : undefined;
    };

    const onPacket = (body: Buffer): void => {
      const reader = new Reader(body);
      const type = reader.byte();
      if (type === FXP.INIT) {
        const extensions = Object.entries(options.extensions ?? {}).flatMap(([name, data]) => [str(name), str(data)]);
        channel.write(packet(FXP.VERSION, u32(3), ...extensions));
        return;
      }
      const id = reader.u32();
      switch (type) {
        case FXP.REALPATH: {
          const path = reader.string();
          const resolved = path === '.' || path === '' ? '/' : path;
          send(packet(FXP.NAME, u32(id), u32(1), str(resolved), str(resolved), dirAttrs()));
          return;
        }
        case FXP.STAT:
        case FXP.LSTAT: {
          const path = reader.string();
          const file = files.get(path);
          if (file) send(packet(FXP.ATTRS, u32(id), fileAttrs(file.length)));
          else if (folders.has(path)) send(packet(FXP.ATTRS, u32(id), dirAttrs()));
          else send(status(id, STATUS.NO_SUCH_FILE, 'No such file'));
          return;
        }
        case FXP.OPEN: {
          const path = reader.string();
          if (misbehaviour.ignoreOpens) return;
          const flags = reader.u32();
          if (flags & OPEN_WRITE) {
            if (flags & OPEN_TRUNC || !files.has(path)) files.set(path, Buffer.alloc(0));
          } else if (!files.has(path)) {
            send(status(id, STATUS.NO_SUCH_FILE, 'No such file'));
            return;
          }
          const number = nextHandle++;
          handles.set(number, { path, kind: 'file' });
          send(packet(FXP.HANDLE, u32(id), str(u32(number))));
          return;
        }
        case FXP.OPENDIR: {
          const path = reader.string();
          if (!folders.has(path)) {
            send(status(id, STATUS.NO_SUCH_FILE, 'No such folder'));
            return;
          }
          const number = nextHandle++;
          handles.set(number, { path, kind: 'dir' });
          send(packet(FXP.HANDLE, u32(id), str(u32(number))));
          return;
        }
        case FXP.READDIR: {
          const open = handleOf(reader);
          if (!open || open.kind !== 'dir') {
            send(status(id, STATUS.FAILURE, 'Invalid handle'));
            return;
          }
          const all = [
            ...(options.dotEntries ? ['.', '..'] : []),
            ...(open.path === '/odd'
              ? (options.oddNames ?? [])
              : [...files.keys()].filter((p) => p.lastIndexOf('/') === 0).map((p) => p.slice(1))),
          ];
          const at = open.cursor ?? 0;
          if (at >= all.length) {
            send(status(id, STATUS.EOF));
            return;
          }
          const names = all.slice(at, at + (options.readdirBatch ?? all.length));
          open.cursor = at + names.length;
          const entries = names.map((name) =>
            Buffer.concat([
              str(name),
              str(`-rw-r--r--    1 owner    group           3 Nov 14 22:13 ${name}`),
              fileAttrs(3),
            ]),
          );
          send(packet(FXP.NAME, u32(id), u32(entries.length), ...entries));
          return;
        }
        case FXP.FSTAT: {
          if (misbehaviour.ignoreFstats) return;
          const open = handleOf(reader);
          const file = open ? files.get(open.path) : undefined;
          send(
            file ? packet(FXP.ATTRS, u32(id), fileAttrs(file.length)) : status(id, STATUS.FAILURE, 'Invalid handle'),
          );
          return;
        }
        case FXP.READ: {
          const open = handleOf(reader);
          const offset = reader.u64();
          const length = reader.u32();
          if (misbehaviour.ignoreReads) return;
          queue(id, () => {
            const file = open ? files.get(open.path) : undefined;
            if (!file) return status(id, STATUS.FAILURE, 'Invalid handle');
            if (offset >= file.length) return status(id, STATUS.EOF);
            const cap = misbehaviour.maxReadReply ?? length;
            const data = file.subarray(offset, offset + Math.min(length, cap));
            // More than asked: the request's length and then some, padded with junk.
            const extra = misbehaviour.readExtraBytes
              ? Buffer.alloc(length - data.length + misbehaviour.readExtraBytes, 0x5a)
              : Buffer.alloc(0);
            return packet(FXP.DATA, u32(id), str(Buffer.concat([data, extra])));
          });
          return;
        }
        case FXP.WRITE: {
          const open = handleOf(reader);
          const offset = reader.u64();
          const data = Buffer.from(reader.bytes());
          queue(id, () => {
            const file = open ? files.get(open.path) : undefined;
            if (!open || file === undefined) return status(id, STATUS.FAILURE, 'Invalid handle');
            if (misbehaviour.failWrites) return status(id, STATUS.FAILURE, 'No space left on device');
            const grown = Buffer.alloc(Math.max(file.length, offset + data.length));
            file.copy(grown);
            data.copy(grown, offset);
            files.set(open.path, grown);
            return status(id, STATUS.OK);
          });
          return;
        }
        case FXP.FSETSTAT: {
          if (misbehaviour.ignoreFsetstats) return;
          const open = handleOf(reader);
          const flags = reader.u32();
          const file = open ? files.get(open.path) : undefined;
          if (open && file && flags & 0x1) files.set(open.path, Buffer.from(file.subarray(0, reader.u64())));
          send(status(id, STATUS.OK));
          return;
        }
        case FXP.SETSTAT:
          send(status(id, STATUS.OK));
          return;
        case FXP.CLOSE: {
          const raw = reader.bytes();
          if (raw.length === 4) handles.delete(raw.readUInt32BE(0));
          send(status(id, STATUS.OK));
          return;
        }
        case FXP.EXTENDED: {
          const name = reader.string();
          if (name === 'fsync@openssh.com' && options.extensions?.['fsync@openssh.com'] !== undefined) {
            if (!misbehaviour.ignoreFsyncs) send(status(id, STATUS.OK));
            return;
          }
          if (name === 'check-file-name' && options.extensions?.['check-file'] !== undefined) {
            const path = reader.string();
            const algorithms = reader.string().split(',');
            const file = files.get(path);
            const algorithm = algorithms.find((a) => ['md5', 'sha1', 'sha256'].includes(a));
            if (!file || algorithm === undefined) {
              send(status(id, file ? STATUS.OP_UNSUPPORTED : STATUS.NO_SUCH_FILE));
              return;
            }
            const digest = createHash(algorithm).update(file).digest();
            send(packet(FXP.EXTENDED_REPLY, u32(id), str('check-file'), str(algorithm), digest));
            return;
          }
          send(status(id, STATUS.OP_UNSUPPORTED));
          return;
        }
        default:
          send(status(id, STATUS.OP_UNSUPPORTED));
      }
    };

    channel.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const length = pending.readUInt32BE(0);
        if (pending.length < 4 + length) break;
        const body = pending.subarray(4, 4 + length);
        pending = pending.subarray(4 + length);
        onPacket(body);
      }
    });
  };

  const user = 'scripted';
  const password = 'scripted-password';
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => {});
    client.on('authentication', (context) => {
      const code = options.verificationCode;
      if (code === undefined) {
        if (context.method === 'password' && context.username === user && context.password === password) {
          context.accept();
        } else context.reject(['password']);
        return;
      }
      if (context.method !== 'keyboard-interactive' || context.username !== user) {
        context.reject(['keyboard-interactive']);
        return;
      }
      context.prompt([{ prompt: 'Password: ', echo: false }], (first) => {
        if (first[0] !== password) return context.reject(['keyboard-interactive']);
        context.prompt(
          [{ prompt: options.codePrompt ?? 'Verification code: ', echo: false }],
          'Two-factor check',
          (second) => {
            if (second[0] === code) context.accept();
            else context.reject(['keyboard-interactive']);
          },
        );
      });
    });
    let subsystems = 0;
    client.on('session', (accept) => {
      const session = accept();
      session.on('exec', (acceptExec, rejectExec) => {
        const answer = options.execAnswer;
        if (!answer) {
          rejectExec();
          return;
        }
        const stream = acceptExec();
        stream.write(answer.stdout);
        if (answer.stderr) stream.stderr.write(answer.stderr);
        if (answer.exitStatus !== null) stream.exit(answer.exitStatus);
        stream.end();
      });
      session.on('subsystem', (acceptSubsystem, reject, info) => {
        if (info.name !== 'sftp') {
          reject();
          return;
        }
        subsystems++;
        if (subsystems > 1 && misbehaviour.ignoreSecondChannel) return;
        if (subsystems > 1 && misbehaviour.refuseSecondChannel) {
          reject();
          return;
        }
        serveChannel(acceptSubsystem());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    fingerprint,
    user,
    password,
    files,
    get maxBatch() {
      return state.maxBatch;
    },
    get requests() {
      return state.requests;
    },
    resetCounters() {
      state.maxBatch = 0;
      state.requests = 0;
    },
    setMisbehaviour(next) {
      misbehaviour = next;
    },
    dropConnections() {
      for (const connection of connections) connection.end();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of connections) connection.end();
        server.close(() => resolve());
      }),
  };
}
