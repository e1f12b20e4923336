// Shared by the FTP integration tests: which vsftpd variants exist, how to
// open a session on each, and a scratch folder in the test user's home
// that the FTP user owns (fixtures are written as root, then chowned).
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FtpConnectOptions } from '../../../electron/core/remote/connectOptions.js';
import { openRemote } from '../../../electron/core/remote/openRemote.js';
import type { RemoteFileSystem } from '../../../electron/core/remote/remoteFileSystem.js';
import type { LogEntry } from '../../../shared/contract.js';
import { parseFerryUrl } from '../../../shared/url.js';
import { loadServers, type ServersState } from '../../servers/config.js';

export const servers: ServersState = loadServers();
export const user = servers.users.password;

export type TlsVariant = 'plain' | 'explicit' | 'implicit';
export type DataMode = 'passive' | 'active';

export const TLS_VARIANTS: TlsVariant[] = ['plain', 'explicit', 'implicit'];
export const DATA_MODES: DataMode[] = ['passive', 'active'];

/** The URL of the vsftpd instance serving a TLS variant. */
export function urlFor(variant: TlsVariant, path = '/'): string {
  const { host } = servers;
  switch (variant) {
    case 'plain':
      return `ftp://${host}:${servers.ftp.port}${path}`;
    case 'explicit':
      return `ftpes://${host}:${servers.ftp.port}${path}`;
    case 'implicit':
      return `ftps://${host}:${servers.ftpsImplicit.port}${path}`;
  }
}

/** A session and the lines its message log received. */
export interface Session {
  remote: RemoteFileSystem;
  log: LogEntry['kind'][];
  lines: string[];
}

/** Opens a session on vsftpd as the password user, trusting the run's certificate by its fingerprint. */
export async function connect(variant: TlsVariant, mode: DataMode, ftp: FtpConnectOptions = {}): Promise<Session> {
  const lines: string[] = [];
  const kinds: LogEntry['kind'][] = [];
  const remote = await openRemote(parseFerryUrl(urlFor(variant)), {
    user: user.name,
    password: user.password,
    ftp: { mode, trustFingerprint: servers.tls.fingerprint256, keepaliveMs: 0, ...ftp },
    log: (kind, text) => {
      kinds.push(kind);
      lines.push(`${kind}: ${text}`);
    },
  });
  return { remote, log: kinds, lines };
}

/** A folder in the FTP user's home, owned by that user; removed by `remove`. */
export function scratchFolder(label: string): { local: string; remote: string; remove: () => void } {
  const name = `ferry-${label}-${randomBytes(4).toString('hex')}`;
  const local = join(user.home, name);
  mkdirSync(local);
  chownSync(local, user.uid, user.gid);
  return { local, remote: local, remove: () => rmSync(local, { recursive: true, force: true }) };
}

/** Writes a file as the FTP user would own it. */
export function writeOwned(path: string, content: Buffer | string): void {
  writeFileSync(path, content);
  chownSync(path, user.uid, user.gid);
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
