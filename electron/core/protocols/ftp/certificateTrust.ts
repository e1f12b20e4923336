import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { FerryError } from '../../../../shared/errors.js';

/**
 * Normalises a SHA-256 certificate fingerprint as people paste it —
 * "SHA256:AB:CD…", "ab cd …", "abcd…" — to Node's form: upper-case hex
 * pairs joined by colons. INVALID_INPUT when it is not 32 bytes of hex.
 */
export function normaliseFingerprint(text: string): string {
  const hex = text
    .trim()
    .replace(/^sha-?256:/i, '')
    .replace(/[\s:]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new FerryError(
      'INVALID_INPUT',
      `"${text}" is not a SHA-256 certificate fingerprint (64 hexadecimal digits, colons optional)`,
    );
  }
  return hex.replace(/(..)(?!$)/g, '$1:');
}

function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

/** OpenSSL's verification codes, as Node reports them, in words. */
const REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'it was issued by a self-signed authority',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its issuer is unknown',
  UNABLE_TO_GET_ISSUER_CERT: 'its issuer is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is unknown',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  CERT_REVOKED: 'it was revoked',
};

/** Why the socket's certificate is not trusted for `host`, or null when it is. */
function distrustReason(socket: TLSSocket, host: string, certificate: PeerCertificate): string | null {
  if (!socket.authorized) {
    // Typed as an Error, but older Node versions give a string.
    const error: unknown = socket.authorizationError;
    const code = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
    return Object.hasOwn(REASONS, code) ? `${REASONS[code] ?? code}, ${code}` : code;
  }
  const mismatch = checkServerIdentity(host, certificate);
  return mismatch ? mismatch.message : null;
}

/**
 * Checks the certificate a TLS socket received, before anything private is
 * sent over it: trusted by the system store and issued for `host`, or
 * carrying the pinned SHA-256 fingerprint. Otherwise throws TLS_UNTRUSTED
 * with the facts the user needs to decide (fingerprint, subject, issuer,
 * validity) in `details`, and the fingerprint in the message so a command
 * line user can pin it. Returns the certificate's fingerprint.
 */
export function verifyCertificate(socket: TLSSocket, host: string, pinnedFingerprint: string | undefined): string {
  const certificate = socket.getPeerCertificate();
  if (Object.keys(certificate).length === 0) {
    throw new FerryError('TLS_UNTRUSTED', `The server ${host} sent no certificate`);
  }
  const fingerprint = certificate.fingerprint256;
  if (pinnedFingerprint !== undefined && fingerprint === pinnedFingerprint) return fingerprint;
  const reason = distrustReason(socket, host, certificate);
  if (reason === null) return fingerprint;
  throw new FerryError(
    'TLS_UNTRUSTED',
    `The certificate of ${host} is not trusted (${reason}); its SHA-256 fingerprint is ${fingerprint}`,
    {
      details: {
        host,
        reason,
        fingerprint256: fingerprint,
        subject: distinguishedName(certificate.subject),
        issuer: distinguishedName(certificate.issuer),
        validFrom: certificate.valid_from,
        validTo: certificate.valid_to,
      },
    },
  );
}
