// Shared helpers for the TFTP integration tests: files, hashes, tools, ports.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { decodePacket, type TftpPacket } from '../../../electron/core/protocols/tftp/packet.js';
import type { TftpConnectOptions } from '../../../electron/core/remote/connectOptions.js';
import { openRemote } from '../../../electron/core/remote/openRemote.js';
import type { RemoteFileSystem } from '../../../electron/core/remote/remoteFileSystem.js';
import { parseFerryUrl } from '../../../shared/url.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The sizes every direction is tried with: empty, around one 512-byte block, and 1 MiB. */
export const SIZES = [0, 511, 512, 513, 1024 * 1024];

/** Over 32 MiB: more than 65535 blocks of 512 bytes, so block numbers roll over. */
export const BIG_SIZE = 32 * 1024 * 1024 + 1000;

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `ferry-tftp-${prefix}-`));
}

/** Writes a file readable by everyone (the servers run as unprivileged users). */
export async function writeFixture(path: string, content: Buffer | string): Promise<void> {
  await writeFile(path, content);
  await chmod(path, 0o644);
}

/**
 * The big file, made once and kept between runs (it is only random bytes):
 * tests link or copy it where they need it instead of writing 32 MiB each.
 */
export async function bigFile(): Promise<{ path: string; sha256: string }> {
  const folder = join(tmpdir(), 'ferry-tftp-fixtures');
  const path = join(folder, `big-${BIG_SIZE}.bin`);
  const existing = await stat(path).catch(() => null);
  if (existing?.size !== BIG_SIZE) {
    await mkdir(folder, { recursive: true, mode: 0o755 });
    await chmod(folder, 0o755);
    const partial = `${path}.${process.pid}.tmp`;
    await writeFixture(partial, randomBytes(BIG_SIZE));
    await rename(partial, path);
  }
  return { path, sha256: await fileSha256(path) };
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop (our server may be in this process); never throws on failure. */
export function runTool(command: string, args: readonly string[], timeoutMs = 120_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(command, [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A UDP port that was free a moment ago. */
export function freeUdpPort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', reject);
    socket.bind(0, address, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** Our client for a server; every transfer goes through openRemote like the CLI's. */
export function tftpClient(port: number, tftp: TftpConnectOptions = {}, host = '127.0.0.1'): Promise<RemoteFileSystem> {
  const authority = host.includes(':') ? `[${host}]` : host;
  return openRemote(parseFerryUrl(`tftp://${authority}:${port}/`), { tftp });
}

/** Downloads into memory. */
export async function download(
  remote: RemoteFileSystem,
  name: string,
  options: { signal?: AbortSignal; onProgress?: (bytes: number, total?: number) => void } = {},
): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const written = await remote.download(`/${name}`, sink, options);
  const content = Buffer.concat(chunks);
  if (written !== content.length) throw new Error(`download reported ${written} bytes but wrote ${content.length}`);
  return content;
}

/** Uploads from memory. */
export async function upload(
  remote: RemoteFileSystem,
  name: string,
  content: Buffer,
  signal?: AbortSignal,
): Promise<number> {
  return remote.upload(Readable.from([content]), `/${name}`, { size: content.length, signal });
}

/** A unique file name for one test. */
export function uniqueName(stem: string): string {
  return `${stem}-${process.pid}-${randomBytes(4).toString('hex')}.bin`;
}

/** Sends one raw packet from a fresh port and returns the first answer (null after `timeoutMs`). */
export function rawExchange(
  port: number,
  packet: Buffer,
  address = '127.0.0.1',
  timeoutMs = 3000,
): Promise<TftpPacket | null> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.once('message', (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(decodePacket(message));
    });
    socket.bind(0, address, () => socket.send(packet, port, address));
  });
}
