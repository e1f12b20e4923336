import { createHash } from 'node:crypto';

/**
 * A host key's fingerprint exactly as `ssh-keygen -l` prints it:
 * "SHA256:" and the unpadded base64 of the SHA-256 of the key blob.
 */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * The key type named at the start of an SSH public key blob
 * (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`…), or "unknown" when
 * the blob is too short to say.
 */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || keyBlob.length < 4 + length) return 'unknown';
  const type = keyBlob.toString('latin1', 4, 4 + length);
  return /^[\x21-\x7e]+$/.test(type) ? type : 'unknown';
}

/**
 * Normalises a fingerprint a person typed or pasted: the `SHA256:` prefix
 * is required (case-insensitive) and base64 padding is ignored, because
 * some tools print it. Returns null when it is not a SHA-256 fingerprint.
 */
export function normaliseFingerprint(text: string): string | null {
  const match = /^sha256:([A-Za-z0-9+/]{43})=?$/i.exec(text.trim());
  return match?.[1] === undefined ? null : `SHA256:${match[1]}`;
}
