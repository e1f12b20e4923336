import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FerryError } from '../../../../shared/errors.js';
import type { LogSink } from '../../log/messageLog.js';
import { keyTypeOf, normaliseFingerprint, sha256Fingerprint } from './hostKeyFingerprint.js';
import {
  formatKnownHostLine,
  judgeHostKey,
  knownHostName,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHostEntry,
} from './knownHosts.js';

/** Where host keys are looked up and how an unknown one may be accepted. */
export interface HostKeyPolicy {
  host: string;
  port: number;
  /** Ferry's own known_hosts: read, and written when a new key is accepted. */
  ferryKnownHosts: string;
  /** The user's known_hosts (~/.ssh/known_hosts): read only; null for none. */
  userKnownHosts: string | null;
  /** Store an unknown key (OpenSSH's accept-new). */
  acceptNew: boolean;
  /** Accept an unknown key with exactly this fingerprint. */
  trustFingerprint: string | undefined;
  log: LogSink;
}

async function readEntries(path: string | null): Promise<KnownHostEntry[]> {
  if (path === null) return [];
  try {
    return parseKnownHosts(await readFile(path, 'utf8'));
  } catch (error) {
    // A missing file simply knows nothing; an unreadable one must not be
    // mistaken for "no keys known", or a changed key would pass as new.
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw new FerryError('LOCAL_IO', `Cannot read known hosts file "${path}"`, { cause: error });
  }
}

/** The entries of both files, Ferry's first. */
export async function loadKnownHosts(policy: HostKeyPolicy): Promise<KnownHostEntry[]> {
  const [own, user] = await Promise.all([readEntries(policy.ferryKnownHosts), readEntries(policy.userKnownHosts)]);
  return [...own, ...user];
}

/** Key types already known for the host, to offer first in the handshake. */
export async function preferredHostKeyTypes(policy: HostKeyPolicy): Promise<string[]> {
  return knownKeyTypes(await loadKnownHosts(policy), policy.host, policy.port);
}

/**
 * Checks the key a server presented against both known_hosts files. Known:
 * fine. Changed or revoked: HOSTKEY_MISMATCH, a hard stop nothing here
 * overrides. Unknown: accepted if its fingerprint is the trusted one, or
 * stored when accept-new is on; otherwise HOSTKEY_UNKNOWN with the key type
 * and fingerprint in `details` for the person to decide.
 */
export async function checkHostKey(policy: HostKeyPolicy, keyBlob: Buffer): Promise<void> {
  const keyType = keyTypeOf(keyBlob);
  const fingerprint = sha256Fingerprint(keyBlob);
  const details = { keyType, fingerprint, host: policy.host, port: policy.port };
  const where = knownHostName(policy.host, policy.port);
  const verdict = judgeHostKey(await loadKnownHosts(policy), policy.host, policy.port, keyType, keyBlob);
  switch (verdict.status) {
    case 'known':
      policy.log('info', `Host key ${keyType} ${fingerprint} of ${where} is known`);
      return;
    case 'revoked':
      throw new FerryError('HOSTKEY_MISMATCH', `The host key of ${where} (${keyType} ${fingerprint}) is revoked`, {
        details,
      });
    case 'changed':
      throw new FerryError(
        'HOSTKEY_MISMATCH',
        `The ${keyType} host key of ${where} has CHANGED to ${fingerprint}. Someone may be intercepting the ` +
          'connection, or the server was reinstalled; remove the old key from known_hosts only if you know why it changed',
        { details },
      );
    case 'unknown':
      break;
  }
  const trusted = policy.trustFingerprint === undefined ? null : normaliseFingerprint(policy.trustFingerprint);
  if (trusted === fingerprint) {
    policy.log('info', `Host key ${keyType} ${fingerprint} of ${where} accepted by its fingerprint`);
    if (!policy.acceptNew) return;
  } else if (policy.trustFingerprint !== undefined) {
    throw new FerryError(
      'HOSTKEY_UNKNOWN',
      `The host key of ${where} is ${keyType} ${fingerprint}, not the fingerprint ${policy.trustFingerprint} given`,
      { details },
    );
  }
  if (!policy.acceptNew) {
    throw new FerryError('HOSTKEY_UNKNOWN', `The host key of ${where} is not known: ${keyType} ${fingerprint}`, {
      details,
    });
  }
  try {
    await mkdir(dirname(policy.ferryKnownHosts), { recursive: true, mode: 0o700 });
    // A hand-edited file may lack its final newline; the new line must not join the last one.
    const before = await readFile(policy.ferryKnownHosts, 'utf8').catch(() => '');
    const separator = before === '' || before.endsWith('\n') ? '' : '\n';
    const line = formatKnownHostLine(policy.host, policy.port, keyType, keyBlob);
    await appendFile(policy.ferryKnownHosts, separator + line, { mode: 0o600 });
  } catch (error) {
    throw new FerryError('LOCAL_IO', `Cannot store the host key in "${policy.ferryKnownHosts}"`, { cause: error });
  }
  policy.log('info', `Stored new host key ${keyType} ${fingerprint} of ${where} in ${policy.ferryKnownHosts}`);
}
