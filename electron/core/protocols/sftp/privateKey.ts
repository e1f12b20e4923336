import { readFile } from 'node:fs/promises';
import type { ParsedKey } from 'ssh2';
import { ssh2Utils } from './ssh2Runtime.js';
import { FerryError } from '../../../../shared/errors.js';
import { fromNodeError } from '../../errors/fromNodeError.js';

/**
 * Reads and decrypts a private key file (OpenSSH, PEM or PuTTY PPK). An
 * encrypted key without a passphrase, or with a wrong one, is AUTH_FAILED
 * with `details` saying which, so the UI can ask for the passphrase.
 */
export async function loadPrivateKey(path: string, passphrase: string | undefined): Promise<ParsedKey> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    throw fromNodeError(error, 'read the private key', path);
  }
  // ssh2 returns an array for a file holding several keys; the first one is the identity.
  const parsed: ParsedKey | Error | ParsedKey[] = ssh2Utils.parseKey(data, passphrase);
  const all: (ParsedKey | Error)[] = Array.isArray(parsed) ? (parsed as ParsedKey[]) : [parsed];
  const key = all[0];
  if (key instanceof Error || key === undefined) {
    const reason = key instanceof Error ? key.message : 'no key found';
    if (/no passphrase|passphrase required/i.test(reason) || (passphrase === undefined && /encrypt/i.test(reason))) {
      throw new FerryError('AUTH_FAILED', `The private key "${path}" is encrypted; give its passphrase`, {
        details: { identityFile: path, needsPassphrase: true },
      });
    }
    if (passphrase !== undefined && /decrypt|padding|bad|passphrase|malformed/i.test(reason)) {
      throw new FerryError('AUTH_FAILED', `Cannot decrypt the private key "${path}": wrong passphrase?`, {
        details: { identityFile: path, badPassphrase: true },
      });
    }
    throw new FerryError('INVALID_INPUT', `"${path}" is not a private key Ferry can read (${reason})`);
  }
  if (!key.isPrivateKey()) {
    throw new FerryError('INVALID_INPUT', `"${path}" holds a public key; give the private key file instead`);
  }
  return key;
}
