import { homedir } from 'node:os';
import { FerryError } from '../../../shared/errors.js';
import type { FerryUrl, Protocol } from '../../../shared/url.js';
import { LocalDisk } from '../local/localDisk.js';
import type { ConnectOptions } from './connectOptions.js';
import type { RemoteFileSystem } from './remoteFileSystem.js';

/** Opens a session for one protocol; each engine provides one. */
export type Opener = (target: FerryUrl, options: ConnectOptions) => Promise<RemoteFileSystem>;

/**
 * The engines by protocol. An engine registers here and nowhere else, so
 * the CLI, the queue and the session pool open any URL the same way. Each
 * is loaded when first used: `ferry get tftp://…` never pays for loading
 * ssh2, and the CLI starts quicker.
 */
const OPENERS: Record<Protocol, Opener | undefined> = {
  file: () => Promise.resolve(new LocalDisk(homedir())),
  ftp: async (target, options) => (await import('../protocols/ftp/openFtp.js')).openFtp(target, options),
  sftp: async (target, options) => (await import('../protocols/sftp/openSftp.js')).openSftp(target, options),
  tftp: async (target, options) => (await import('../protocols/tftp/client.js')).openTftp(target, options),
};

/** Connects and logs in to the server a URL names. */
export async function openRemote(target: FerryUrl, options: ConnectOptions = {}): Promise<RemoteFileSystem> {
  const opener = OPENERS[target.protocol];
  if (!opener) {
    throw new FerryError('UNSUPPORTED', `${target.scheme}:// is not available in this version of Ferry`);
  }
  return opener(target, options);
}
