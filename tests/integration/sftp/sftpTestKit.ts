// Shared helpers for the SFTP integration tests: the shared sshd's facts,
// a throwaway data folder per test with the host key already trusted (or
// not), fixtures in the test users' homes, and file hashing.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ConnectOptions, SftpConnectOptions } from '../../../electron/core/remote/connectOptions.js';
import { openRemote } from '../../../electron/core/remote/openRemote.js';
import type { RemoteFileSystem } from '../../../electron/core/remote/remoteFileSystem.js';
import { SftpFileSystem } from '../../../electron/core/protocols/sftp/sftpFileSystem.js';
import { parseFerryUrl } from '../../../shared/url.js';
import { loadServers, type TestUser } from '../../servers/config.js';

export const servers = loadServers();
export const sshd = servers.sftp;
export const keyUser = servers.users.key;
export const passwordUser = servers.users.password;

/** The shared sshd's host key line, as a known_hosts line for its port. */
export async function hostKeyLine(port = sshd.port): Promise<string> {
  const [type, blob] = (await readFile(sshd.hostKeyPublicPath, 'utf8')).trim().split(' ');
  return `[${servers.host}]:${port} ${type ?? ''} ${blob ?? ''}\n`;
}

const madeFolders: string[] = [];

/** A fresh data folder; with `trusted`, its known_hosts already holds the shared sshd's key. Removed by removeDataFolders(). */
export async function dataFolder(trusted: boolean, port = sshd.port): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'ferry-sftp-data-'));
  madeFolders.push(folder);
  if (trusted) await writeFile(join(folder, 'known_hosts'), await hostKeyLine(port));
  return folder;
}

export interface OpenOptions {
  user?: TestUser;
  port?: number;
  sftp?: SftpConnectOptions;
  connect?: Partial<ConnectOptions>;
  folder?: string;
}

/**
 * Opens a session to the shared sshd as the key user (identity file), with
 * the host key trusted, no agent and no ~/.ssh/known_hosts, unless told otherwise.
 */
export async function openSession(options: OpenOptions = {}): Promise<SftpFileSystem> {
  const user = options.user ?? keyUser;
  const port = options.port ?? sshd.port;
  const folder = options.folder ?? (await dataFolder(true, port));
  const sftp: SftpConnectOptions = {
    agent: false,
    userKnownHostsFile: false,
    ...(user === keyUser ? { identityFile: keyUser.privateKeyPath } : {}),
    ...options.sftp,
  };
  const url = parseFerryUrl(`sftp://${encodeURIComponent(user.name)}@${servers.host}:${port}/`);
  const remote: RemoteFileSystem = await openRemote(url, { dataFolder: folder, sftp, ...options.connect });
  return asSftp(remote);
}

/** The SFTP engine behind a session, for the facts only it has (extensions, requests in flight). */
export function asSftp(remote: RemoteFileSystem): SftpFileSystem {
  if (!(remote instanceof SftpFileSystem)) throw new Error(`expected an SFTP session, got ${remote.protocol}`);
  return remote;
}

/** Writes a fixture into a test user's home, owned by that user; returns its absolute path. */
export async function fixture(user: TestUser, name: string, content: Buffer | string): Promise<string> {
  const path = join(user.home, name);
  await writeFile(path, content);
  await chown(path, user.uid, user.gid);
  return path;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Removes every data folder made so far; call it in afterAll. */
export async function removeDataFolders(): Promise<void> {
  await removeAll(...madeFolders.splice(0));
}

export async function removeAll(...paths: string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { recursive: true, force: true })));
}

/** A unique name for a test's files, so reruns and parallel developers never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
