import { join } from 'node:path';
import type { ParsedKey } from 'ssh2';
import { FerryError } from '../../../../shared/errors.js';
import type { LogSink } from '../../log/messageLog.js';
import { loadPrivateKey } from './privateKey.js';

/**
 * The identity files OpenSSH tries when none is configured, in its order
 * (ssh_config(5), IdentityFile): in the user's ~/.ssh.
 */
export const DEFAULT_IDENTITY_FILES = [
  'id_rsa',
  'id_ecdsa',
  'id_ecdsa_sk',
  'id_ed25519',
  'id_ed25519_sk',
  'id_dsa',
] as const;

/** A default identity file that Ferry can log in with. */
export interface DefaultIdentity {
  path: string;
  key: ParsedKey;
}

/**
 * Reads one default identity file; null (with a log line, unless it does
 * not exist) when it cannot serve. A default is a guess, not something the
 * user asked for: nothing here fails the login.
 */
async function loadDefaultIdentity(
  path: string,
  passphrase: string | undefined,
  log: LogSink,
): Promise<DefaultIdentity | null> {
  let key: ParsedKey;
  try {
    key = await loadPrivateKey(path, passphrase);
  } catch (error) {
    if (error instanceof FerryError && error.code === 'NOT_FOUND') return null;
    let why = error instanceof Error ? error.message : String(error);
    if (error instanceof FerryError && error.details?.needsPassphrase === true) {
      why = 'it is encrypted and no passphrase was given (ssh-agent can hold it unlocked)';
    } else if (error instanceof FerryError && error.details?.badPassphrase === true) {
      why = 'it is encrypted and the passphrase given does not open it';
    }
    log('info', `Not using the key ${path}: ${why}`);
    return null;
  }
  // ssh2 can sign with DSA, but OpenSSH has not offered ssh-dss keys since
  // 7.0 (nor accepted them by default); trying one only spends one of the
  // server's MaxAuthTries.
  if (key.type === 'ssh-dss') {
    log('info', `Not using the key ${path}: OpenSSH no longer accepts DSA keys`);
    return null;
  }
  return { path, key };
}

/**
 * The default identity files in `homeFolder`/.ssh that exist and that ssh2
 * can use, in OpenSSH's order, for a login that names no identity file.
 * Missing files are skipped silently; unreadable, unsupported (security-key
 * `_sk` files, say) and encrypted ones with a log line. An encrypted one is
 * opened with `passphrase` when one was given (the CLI's FERRY_PASSPHRASE):
 * Ferry cannot ask for a passphrase in the middle of a login the way ssh
 * does, since the window's only question during a login is the server's.
 */
export async function loadDefaultIdentities(
  homeFolder: string,
  passphrase: string | undefined,
  log: LogSink,
): Promise<DefaultIdentity[]> {
  const loaded = await Promise.all(
    DEFAULT_IDENTITY_FILES.map((name) => loadDefaultIdentity(join(homeFolder, '.ssh', name), passphrase, log)),
  );
  return loaded.filter((identity): identity is DefaultIdentity => identity !== null);
}
