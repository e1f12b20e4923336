import type { HashAlgorithm } from '../../remote/remoteFileSystem.js';
import type { FtpReply } from './reply.js';

/**
 * The server's FEAT answer (RFC 2389): each feature's name, upper-cased,
 * with its parameters ("MLST" → "type*;size*;modify*;"). An empty set when
 * the server has no FEAT.
 */
export class FtpFeatures {
  private readonly byName = new Map<string, string>();

  constructor(reply: FtpReply | null) {
    if (!reply || reply.code !== 211) return;
    // The first and last lines are "211-…" and "211 …"; each feature line starts with a space.
    for (const line of reply.lines.slice(1, -1)) {
      const text = line.trim();
      if (text === '') continue;
      const space = text.indexOf(' ');
      const name = (space < 0 ? text : text.slice(0, space)).toUpperCase();
      this.byName.set(name, space < 0 ? '' : text.slice(space + 1).trim());
    }
  }

  has(name: string): boolean {
    return this.byName.has(name.toUpperCase());
  }

  /** The feature's parameters, or undefined when it is not offered. */
  parameters(name: string): string | undefined {
    return this.byName.get(name.toUpperCase());
  }

  /** Every feature name offered, for the log. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}

/** How a server computes one hash: the HASH command (RFC draft-bryan-ftpext-hash) or an X command. */
export type HashMethod = { kind: 'HASH'; name: string } | { kind: 'X'; command: string };

/** HASH algorithm names as servers spell them. */
const HASH_NAMES: Record<string, HashAlgorithm> = {
  'SHA-512': 'sha512',
  'SHA-256': 'sha256',
  'SHA-1': 'sha1',
  MD5: 'md5',
  CRC32: 'crc32',
};

/** The legacy one-algorithm commands, by algorithm. */
const X_COMMANDS: [string, HashAlgorithm][] = [
  ['XSHA512', 'sha512'],
  ['XSHA256', 'sha256'],
  ['XSHA1', 'sha1'],
  ['XMD5', 'md5'],
  ['XCRC', 'crc32'],
];

/**
 * Which hashes the server offers and how to ask for each: HASH where it
 * lists the algorithm (it also says which is selected, marked "*"), else the
 * X command. Nothing offered means the capability list stays empty, so the
 * queue falls back to a size check.
 */
export function hashMethods(features: FtpFeatures): Map<HashAlgorithm, HashMethod> {
  const methods = new Map<HashAlgorithm, HashMethod>();
  const hashParameters = features.parameters('HASH');
  if (hashParameters !== undefined) {
    for (const raw of hashParameters.split(';')) {
      const name = raw.trim().replace(/\*$/, '').toUpperCase();
      const algorithm = HASH_NAMES[name];
      if (algorithm) methods.set(algorithm, { kind: 'HASH', name });
    }
  }
  for (const [command, algorithm] of X_COMMANDS) {
    if (!methods.has(algorithm) && features.has(command)) methods.set(algorithm, { kind: 'X', command });
  }
  return methods;
}

/** The algorithm HASH currently uses (marked "*" in FEAT), if any. */
export function selectedHashName(features: FtpFeatures): string | undefined {
  const parameters = features.parameters('HASH');
  const selected = parameters?.split(';').find((name) => name.trim().endsWith('*'));
  return selected?.trim().replace(/\*$/, '').toUpperCase();
}
