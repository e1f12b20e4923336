import type { FerryErrorCode } from '../../shared/errors.js';

/**
 * Exit codes by class of failure, so scripts can tell "fix your command"
 * from "the network is down" from "the file is not what you expected".
 */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  connection: 3,
  auth: 4,
  trust: 5,
  notFound: 6,
  denied: 7,
  verify: 8,
  localIo: 9,
  protocol: 10,
  canceled: 130,
} as const;

const EXIT_BY_CODE: Record<FerryErrorCode, number> = {
  INVALID_INPUT: EXIT.usage,
  UNSAFE_NAME: EXIT.usage,
  CONNECTION_LOST: EXIT.connection,
  TIMEOUT: EXIT.connection,
  AUTH_FAILED: EXIT.auth,
  HOSTKEY_UNKNOWN: EXIT.trust,
  HOSTKEY_MISMATCH: EXIT.trust,
  TLS_UNTRUSTED: EXIT.trust,
  TLS_REQUIRED: EXIT.trust,
  NOT_FOUND: EXIT.notFound,
  PERMISSION_DENIED: EXIT.denied,
  ALREADY_EXISTS: EXIT.denied,
  VERIFY_FAILED: EXIT.verify,
  LOCAL_IO: EXIT.localIo,
  PROTOCOL: EXIT.protocol,
  UNSUPPORTED: EXIT.protocol,
  CANCELED: EXIT.canceled,
};

export function exitCodeFor(code: FerryErrorCode): number {
  return EXIT_BY_CODE[code];
}
