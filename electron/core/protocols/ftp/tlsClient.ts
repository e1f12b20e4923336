import { isIP } from 'node:net';
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { trustedCertificates } from '../../trust/systemCertificates.js';

/**
 * The key-exchange groups a connection offers once its server's choice is
 * known, by the names getEphemeralKeyInfo reports them under. Both OpenSSL
 * (Node) and BoringSSL (Electron) know these.
 */
const GROUPS: Readonly<Record<string, string>> = {
  X25519: 'X25519',
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/**
 * TLS contexts by the group they offer first ('' for the library's own
 * order). One context serves every connection that offers the same group:
 * built per connection, with the root store, it would cost more than the
 * resumed handshake of a data connection for a small file. Contexts hold
 * no per-server state: certificates are checked by verifyCertificate, and
 * sessions are passed to each connection.
 */
const contexts = new Map<string, SecureContext>();

/** The group each server (host:port) chose in a full handshake. */
const groupByServer = new Map<string, string>();

function contextOffering(group: string): SecureContext {
  let context = contexts.get(group);
  if (context) return context;
  const base = { minVersion: 'TLSv1.2' as const, ca: trustedCertificates() };
  if (group === '') {
    context = createSecureContext(base);
  } else {
    const order = [group, ...Object.values(GROUPS).filter((other) => other !== group)];
    try {
      context = createSecureContext({ ...base, ecdhCurve: order.join(':') });
    } catch {
      // A TLS library that refuses one of the names keeps its own order.
      context = contextOffering('');
    }
  }
  contexts.set(group, context);
  return context;
}

/**
 * The TLS options every connection to `server` (host:port) uses: our own
 * certificate check, SNI only for names, and the key-exchange group the
 * server chose before offered first. A TLS 1.3 client sends a key share
 * for its first group only; a server that takes another (vsftpd takes only
 * P-256) answers with a HelloRetryRequest, one round trip and one key
 * generation more on every data connection, so once per file.
 */
export function tlsClientOptions(
  host: string,
  server: string,
): { rejectUnauthorized: false; servername?: string; secureContext: SecureContext } {
  const secureContext = contextOffering(groupByServer.get(server) ?? '');
  // Certificates are checked by verifyCertificate (so a pinned one can pass);
  // SNI must not carry an IP address (RFC 6066 section 3).
  return isIP(host) === 0
    ? { rejectUnauthorized: false, servername: host, secureContext }
    : { rejectUnauthorized: false, secureContext };
}

/** Remembers the key-exchange group `server` chose on this connection, for the connections after it. */
export function noteKeyExchange(socket: TLSSocket, server: string): void {
  const key = socket.getEphemeralKeyInfo();
  const group = key !== null && 'name' in key && typeof key.name === 'string' ? GROUPS[key.name] : undefined;
  if (group !== undefined) groupByServer.set(server, group);
}
