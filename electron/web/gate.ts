import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * The checks browser mode applies to every HTTP request and WebSocket: the
 * peer is on this machine, and the Host and Origin name our own loopback
 * address and port (which defeats DNS rebinding and cross-site pages). The
 * WebSocket, which carries every operation, must also hold the token
 * printed at start-up; the page and its scripts are the public build and
 * need none. (A cookie would have done for both, but browsers send a
 * cookie to every port of 127.0.0.1, so any other local web server the
 * user opened would have received the token.)
 */

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}

/** The Host values that name this server: `127.0.0.1:PORT` and `localhost:PORT`. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/** The Origin values of pages this server served. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (!origin) return false;
  const o = origin.toLowerCase();
  return o === `http://127.0.0.1:${port}` || o === `http://localhost:${port}`;
}

/** Compares tokens in constant time, so timing reveals nothing of the secret. */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface GateRequest {
  remoteAddress: string | undefined;
  host: string | undefined;
  origin: string | undefined;
  /** The token from the URL's `?token=`, if any. */
  queryToken: string | null;
  /** The WebSocket must carry our Origin and the token; the page and its files need neither. */
  isSocket: boolean;
}

export type GateVerdict = { allowed: true } | { allowed: false; status: 401 | 403; reason: string };

export function checkRequest(request: GateRequest, port: number, token: string): GateVerdict {
  if (!isLoopbackAddress(request.remoteAddress)) {
    return { allowed: false, status: 403, reason: 'only connections from this machine are accepted' };
  }
  if (!isAllowedHost(request.host, port)) return { allowed: false, status: 403, reason: 'unexpected Host header' };
  if (request.origin !== undefined || request.isSocket) {
    if (!isAllowedOrigin(request.origin, port)) return { allowed: false, status: 403, reason: 'unexpected Origin' };
  }
  if (request.isSocket && !tokenMatches(request.queryToken, token)) {
    return { allowed: false, status: 401, reason: 'missing or wrong token' };
  }
  return { allowed: true };
}
