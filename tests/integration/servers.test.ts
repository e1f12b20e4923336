// Proves every real test server started by tests/servers/start.sh answers a
// login, using only Node built-ins and ssh2 (no Ferry code): this is the
// harness's own smoke test, so a failure here is a server problem, not a
// client one.
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';

import { Client, type ConnectConfig } from 'ssh2';
import { describe, expect, it } from 'vitest';

import { loadServers } from '../servers/config.js';
import { describeReply, type FtpReply, FtpReplyReader } from './ftpReplies.js';

const servers = loadServers();
const { host } = servers;
const passwordUser = servers.users.password;
const keyUser = servers.users.key;
const ca = readFileSync(servers.tls.certPath);
const TIMEOUT_MS = 5_000;

function expectCode(reply: FtpReply, code: number): void {
  expect(reply.code, `FTP reply: ${describeReply(reply)}`).toBe(code);
}

/** Runs `fn`, then destroys the given sockets whatever happened. */
async function closing<T>(sockets: { destroy(): void }[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}

/**
 * Wraps a callback-style operation in a promise bounded by `timeoutMs`.
 * `start` begins the operation and returns how to abandon it; that runs on
 * failure or timeout. Error messages are prefixed with `what`.
 */
function settleOnce<T>(
  what: string,
  start: (resolve: (value: T) => void, reject: (error: Error) => void) => () => void,
  timeoutMs = TIMEOUT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const started: { cleanup?: () => void } = {};
    const timer = setTimeout(() => {
      started.cleanup?.();
      reject(new Error(`${what}: timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    started.cleanup = start(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        started.cleanup?.();
        reject(new Error(`${what}: ${error.message}`));
      },
    );
  });
}

function connectTcp(port: number): Promise<net.Socket> {
  return settleOnce(`TCP connect to ${host}:${port}`, (resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    return () => socket.destroy();
  });
}

/** TLS client handshake, either over an existing socket (AUTH TLS) or to a port (implicit). */
function connectTls(target: { socket: net.Socket } | { port: number }): Promise<tls.TLSSocket> {
  const what = 'socket' in target ? 'TLS upgrade' : `TLS connect to ${host}:${target.port}`;
  return settleOnce(what, (resolve, reject) => {
    const socket = tls.connect({ ...target, host, ca, servername: 'localhost', minVersion: 'TLSv1.2' });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    return () => socket.destroy();
  });
}

describe(`vsftpd plain FTP on ${host}:${servers.ftp.port}`, () => {
  it('greets with 220 and logs the password user in (USER 331, PASS 230)', async () => {
    const socket = await connectTcp(servers.ftp.port);
    await closing([socket], async () => {
      const ftp = new FtpReplyReader(socket, 'vsftpd plain');
      expectCode(await ftp.next(), 220);
      expectCode(await ftp.send(`USER ${passwordUser.name}`), 331);
      expectCode(await ftp.send(`PASS ${passwordUser.password}`), 230);
      expectCode(await ftp.send('PWD'), 257);
      expectCode(await ftp.send('QUIT'), 221);
    });
  });

  it('rejects a wrong password with 530', async () => {
    const socket = await connectTcp(servers.ftp.port);
    await closing([socket], async () => {
      const ftp = new FtpReplyReader(socket, 'vsftpd plain');
      expectCode(await ftp.next(), 220);
      expectCode(await ftp.send(`USER ${passwordUser.name}`), 331);
      // vsftpd waits delay_failed_login (1 s) before answering.
      expectCode(await ftp.send('PASS not-the-password', 10_000), 530);
    });
  });
});

describe(`vsftpd explicit FTPS on ${host}:${servers.ftp.port}`, () => {
  it('upgrades with AUTH TLS (234) using the run certificate and logs in (230)', async () => {
    const raw = await connectTcp(servers.ftp.port);
    await closing([raw], async () => {
      const plain = new FtpReplyReader(raw, 'vsftpd explicit (plain part)');
      expectCode(await plain.next(), 220);
      expectCode(await plain.send('AUTH TLS'), 234);
      plain.detach();

      const secure = await connectTls({ socket: raw });
      await closing([secure], async () => {
        expect(secure.authorized, String(secure.authorizationError)).toBe(true);
        expect(secure.getPeerCertificate().fingerprint256).toBe(servers.tls.fingerprint256);

        const ftp = new FtpReplyReader(secure, 'vsftpd explicit (TLS part)');
        expectCode(await ftp.send(`USER ${passwordUser.name}`), 331);
        expectCode(await ftp.send(`PASS ${passwordUser.password}`), 230);
        expectCode(await ftp.send('PBSZ 0'), 200);
        expectCode(await ftp.send('PROT P'), 200);
        expectCode(await ftp.send('QUIT'), 221);
      });
    });
  });
});

describe(`vsftpd implicit FTPS on ${host}:${servers.ftpsImplicit.port}`, () => {
  it('speaks TLS from the first byte, greets with 220 and logs in (230)', async () => {
    const secure = await connectTls({ port: servers.ftpsImplicit.port });
    await closing([secure], async () => {
      expect(secure.authorized, String(secure.authorizationError)).toBe(true);
      expect(secure.getPeerCertificate().fingerprint256).toBe(servers.tls.fingerprint256);

      const ftp = new FtpReplyReader(secure, 'vsftpd implicit');
      expectCode(await ftp.next(), 220);
      expectCode(await ftp.send(`USER ${passwordUser.name}`), 331);
      expectCode(await ftp.send(`PASS ${passwordUser.password}`), 230);
      expectCode(await ftp.send('QUIT'), 221);
    });
  });
});

function sshFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Connects and authenticates; resolves once ssh2 reports "ready". */
function sshLogin(config: ConnectConfig, setup?: (client: Client) => void): Promise<Client> {
  return settleOnce(
    `SSH login as ${config.username ?? '?'} on ${host}:${servers.sftp.port}`,
    (resolve, reject) => {
      const client = new Client();
      let ready = false;
      // Keep an error listener for the client's whole life: late errors must not crash the run.
      client.on('error', (error) => {
        if (!ready) reject(error);
      });
      client.once('ready', () => {
        ready = true;
        resolve(client);
      });
      setup?.(client);
      client.connect({ host, port: servers.sftp.port, readyTimeout: 10_000, ...config });
      return () => client.end();
    },
    15_000,
  );
}

async function closingSsh<T>(client: Client, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    client.end();
  }
}

function sftpRealpath(client: Client, path: string): Promise<string> {
  return settleOnce('SFTP realpath', (resolve, reject) => {
    client.sftp((error, sftp) => {
      if (error) return reject(error);
      sftp.realpath(path, (pathError, absolute) => {
        sftp.end();
        if (pathError) reject(pathError);
        else resolve(absolute);
      });
    });
    return () => undefined; // the caller ends the client
  });
}

describe(`OpenSSH sshd (SFTP) on ${host}:${servers.sftp.port}`, () => {
  it('presents the host key recorded in state.json', async () => {
    const seen: string[] = [];
    const client = await sshLogin({
      username: passwordUser.name,
      password: passwordUser.password,
      hostVerifier: (key: Buffer): boolean => {
        seen.push(sshFingerprint(key));
        return true;
      },
    });
    await closingSsh(client, () => {
      expect(seen).toEqual([servers.sftp.hostKeyFingerprint]);
    });
  });

  it('logs the password user in and opens an SFTP session in its home', async () => {
    const client = await sshLogin({ username: passwordUser.name, password: passwordUser.password });
    await closingSsh(client, async () => {
      expect(await sftpRealpath(client, '.')).toBe(passwordUser.home);
    });
  });

  it('logs the password user in with keyboard-interactive', async () => {
    const prompts: string[] = [];
    const client = await sshLogin({ username: passwordUser.name, tryKeyboard: true }, (c) => {
      c.on('keyboard-interactive', (_name, _instructions, _lang, questions, finish) => {
        prompts.push(...questions.map((q) => q.prompt));
        finish(questions.map(() => passwordUser.password));
      });
    });
    await closingSsh(client, () => {
      expect(prompts.length).toBeGreaterThan(0);
    });
  });

  it('logs the key user in with its private key', async () => {
    const client = await sshLogin({ username: keyUser.name, privateKey: readFileSync(keyUser.privateKeyPath) });
    await closingSsh(client, async () => {
      expect(await sftpRealpath(client, '.')).toBe(keyUser.home);
    });
  });

  it('logs the key user in with the passphrase-protected copy of its key', async () => {
    const client = await sshLogin({
      username: keyUser.name,
      privateKey: readFileSync(keyUser.encryptedPrivateKeyPath),
      passphrase: keyUser.passphrase,
    });
    client.end();
  });

  it('rejects a wrong password', async () => {
    const attempt = sshLogin({ username: passwordUser.name, password: 'not-the-password' }).then((client) => {
      client.end();
      return 'logged in';
    });
    await expect(attempt).rejects.toThrow(/authentication methods failed/);
  });
});

const TFTP_BLOCK = 512;

/** Reads a file over TFTP (RFC 1350, octet mode), acknowledging every block; returns the DATA payloads. */
function tftpRead(filename: string): Promise<Buffer[]> {
  return settleOnce(`TFTP read of ${filename} from ${host}:${servers.tftp.port}`, (resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const blocks: Buffer[] = [];
    socket.on('error', reject);
    socket.on('message', (packet, remote) => {
      const opcode = packet.readUInt16BE(0);
      if (opcode === 5) {
        reject(
          new Error(`ERROR ${packet.readUInt16BE(2)}: ${packet.subarray(4).toString('latin1').replace(/\0$/, '')}`),
        );
        return;
      }
      if (opcode !== 3) {
        reject(new Error(`unexpected TFTP opcode ${opcode}`));
        return;
      }
      const block = packet.readUInt16BE(2);
      const data = packet.subarray(4);
      if (block === blocks.length + 1) blocks.push(data); // a repeat of the last block is just re-acknowledged
      const ack = Buffer.alloc(4);
      ack.writeUInt16BE(4, 0);
      ack.writeUInt16BE(block, 2);
      socket.send(ack, remote.port, remote.address, () => {
        if (data.length < TFTP_BLOCK) {
          socket.close();
          resolve(blocks);
        }
      });
    });
    const rrq = Buffer.concat([Buffer.from([0, 1]), Buffer.from(`${filename}\0octet\0`, 'latin1')]);
    socket.bind(0, host, () => socket.send(rrq, servers.tftp.port, host));
    return () => {
      try {
        socket.close();
      } catch {
        // already closed
      }
    };
  });
}

describe(`tftpd-hpa on udp ${host}:${servers.tftp.port}`, () => {
  it('serves a file written into its root (RRQ, DATA block 1 with the right bytes)', async () => {
    const name = `probe-${randomBytes(6).toString('hex')}.bin`;
    const content = randomBytes(TFTP_BLOCK + 188);
    const path = join(servers.tftp.root, name);
    writeFileSync(path, content, { mode: 0o644 });
    try {
      const blocks = await tftpRead(name);
      expect(blocks.length).toBe(2);
      expect(blocks[0]?.equals(content.subarray(0, TFTP_BLOCK))).toBe(true);
      expect(Buffer.concat(blocks).equals(content)).toBe(true);
    } finally {
      rmSync(path, { force: true });
    }
  });
});
