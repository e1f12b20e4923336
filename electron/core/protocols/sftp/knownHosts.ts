import { createHmac, timingSafeEqual } from 'node:crypto';

/** One key line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  /** `@revoked` and `@cert-authority` lines carry a marker. */
  marker: 'revoked' | 'cert-authority' | null;
  /** The comma-separated host patterns (plain, `[host]:port`, wildcards, `!negated` or one `|1|` hash). */
  hosts: string;
  keyType: string;
  key: Buffer;
}

/** What a known_hosts file says about one host and the key it presented. */
export type KnownHostVerdict =
  /** A line names this host with this very key. */
  | { status: 'known' }
  /** Lines name this host with another key of the same type: it changed. */
  | { status: 'changed'; knownKeyType: string }
  /** The key is marked `@revoked` for this host. */
  | { status: 'revoked' }
  /** No line has a key of this type for the host. */
  | { status: 'unknown' };

/** The name known_hosts uses for a host: `host` on port 22, `[host]:port` elsewhere. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/**
 * Parses known_hosts text. Comments, blank lines and lines that do not
 * parse are skipped: a damaged line must not hide the good ones.
 */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const fields = raw.trim().split(/[ \t]+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) continue;
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0].startsWith('@')) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else continue;
    }
    if (fields.length < 3) continue;
    const [hosts = '', keyType = '', keyText = ''] = fields;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyText)) continue;
    entries.push({ marker, hosts, keyType, key: Buffer.from(keyText, 'base64') });
  }
  return entries;
}

/** OpenSSH's glob: `*` any run, `?` any one character, matched case-insensitively. */
function globMatches(pattern: string, name: string): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'is').test(name);
}

/** A hashed host (`|1|salt|hash`): HMAC-SHA1 of the name keyed by the salt. */
function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|');
  if (parts.length !== 4 || parts[1] !== '1' || parts[2] === undefined || parts[3] === undefined) return false;
  const salt = Buffer.from(parts[2], 'base64');
  const expected = Buffer.from(parts[3], 'base64');
  const actual = createHmac('sha1', salt).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** True when a line's host field names `name` (already in `[host]:port` form where needed). */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|')) return hashedMatches(hosts, name);
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern.startsWith('!')) {
      // A negated pattern that matches rules the whole line out.
      if (globMatches(pattern.slice(1), name)) return false;
    } else if (globMatches(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/**
 * Decides, like OpenSSH, what the given entries say about `key` presented
 * by `host`:`port`: revoked beats everything, then an exact match, then a
 * different key of the same type means the key changed.
 */
export function judgeHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  keyType: string,
  key: Buffer,
): KnownHostVerdict {
  const name = knownHostName(host, port);
  const forHost = entries.filter((entry) => hostFieldMatches(entry.hosts, name));
  if (forHost.some((entry) => entry.marker === 'revoked' && entry.key.equals(key))) return { status: 'revoked' };
  const plain = forHost.filter((entry) => entry.marker === null);
  if (plain.some((entry) => entry.keyType === keyType && entry.key.equals(key))) return { status: 'known' };
  const sameType = plain.find((entry) => entry.keyType === keyType);
  if (sameType) return { status: 'changed', knownKeyType: sameType.keyType };
  return { status: 'unknown' };
}

/** The key types known_hosts holds for a host, so the handshake can prefer them (as OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const name = knownHostName(host, port);
  const types = entries
    .filter((entry) => entry.marker === null && hostFieldMatches(entry.hosts, name))
    .map((entry) => entry.keyType);
  return [...new Set(types)];
}

/** A known_hosts line for a newly trusted key, in the plain (unhashed) form OpenSSH writes by default. */
export function formatKnownHostLine(host: string, port: number, keyType: string, key: Buffer): string {
  return `${knownHostName(host, port)} ${keyType} ${key.toString('base64')}\n`;
}
