import { FerryError, type FerryErrorCode } from '../../../../shared/errors.js';
import { encodeError, TFTP_ERROR, type ErrorPacket } from './packet.js';

/** How Ferry classifies each TFTP error code a peer may send. */
const CODE_BY_TFTP_ERROR: Record<number, FerryErrorCode> = {
  [TFTP_ERROR.NOT_DEFINED]: 'PROTOCOL',
  [TFTP_ERROR.FILE_NOT_FOUND]: 'NOT_FOUND',
  [TFTP_ERROR.ACCESS_VIOLATION]: 'PERMISSION_DENIED',
  [TFTP_ERROR.DISK_FULL]: 'PROTOCOL',
  [TFTP_ERROR.ILLEGAL_OPERATION]: 'PROTOCOL',
  // The peer no longer knows this transfer: it is gone, but a new one may work.
  [TFTP_ERROR.UNKNOWN_TID]: 'CONNECTION_LOST',
  [TFTP_ERROR.FILE_EXISTS]: 'ALREADY_EXISTS',
  [TFTP_ERROR.NO_SUCH_USER]: 'PROTOCOL',
  [TFTP_ERROR.OPTION_REFUSED]: 'PROTOCOL',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  [TFTP_ERROR.FILE_NOT_FOUND]: 'File not found',
  [TFTP_ERROR.ACCESS_VIOLATION]: 'Access violation',
  [TFTP_ERROR.DISK_FULL]: 'Disk full or allocation exceeded',
  [TFTP_ERROR.ILLEGAL_OPERATION]: 'Illegal TFTP operation',
  [TFTP_ERROR.UNKNOWN_TID]: 'Unknown transfer ID',
  [TFTP_ERROR.FILE_EXISTS]: 'File already exists',
  [TFTP_ERROR.NO_SUCH_USER]: 'No such user',
  [TFTP_ERROR.OPTION_REFUSED]: 'Option negotiation failed',
};

/** Marks errors that the peer reported, so they are not echoed back to it. */
const SENT_BY_PEER = 'sentByPeer';

/** The FerryError for an ERROR packet the peer sent; `replyCode` is the TFTP error code. */
export function errorFromPeer(packet: ErrorPacket, what: string): FerryError {
  const code = Object.hasOwn(CODE_BY_TFTP_ERROR, packet.code)
    ? (CODE_BY_TFTP_ERROR[packet.code] ?? 'PROTOCOL')
    : 'PROTOCOL';
  const text = packet.message.trim() || DEFAULT_MESSAGES[packet.code] || 'no message';
  return new FerryError(code, `${what}: the peer answered TFTP error ${packet.code} (${text})`, {
    replyCode: packet.code,
    details: { [SENT_BY_PEER]: true, tftpError: packet.code, peerMessage: text },
  });
}

/** True when the peer itself reported this failure (no ERROR should go back). */
export function isPeerError(error: unknown): boolean {
  return error instanceof FerryError && error.details?.[SENT_BY_PEER] === true;
}

/** The ERROR packet that tells the peer why this side gives up on a transfer. */
export function errorPacketFor(error: unknown): Buffer {
  if (!(error instanceof FerryError)) return encodeError(TFTP_ERROR.NOT_DEFINED, 'Internal error');
  switch (error.code) {
    case 'NOT_FOUND':
      return encodeError(TFTP_ERROR.FILE_NOT_FOUND, error.message);
    case 'PERMISSION_DENIED':
    case 'UNSAFE_NAME':
      return encodeError(TFTP_ERROR.ACCESS_VIOLATION, error.message);
    case 'ALREADY_EXISTS':
      return encodeError(TFTP_ERROR.FILE_EXISTS, error.message);
    case 'CANCELED':
      return encodeError(TFTP_ERROR.NOT_DEFINED, 'Transfer canceled');
    case 'PROTOCOL':
      return encodeError(
        error.replyCode === TFTP_ERROR.OPTION_REFUSED ? TFTP_ERROR.OPTION_REFUSED : TFTP_ERROR.ILLEGAL_OPERATION,
        error.message,
      );
    case 'LOCAL_IO':
      // The local message may carry this machine's own paths (a system
      // error's text names the absolute file): the peer learns what, not where.
      return /no space|quota/i.test(error.message)
        ? encodeError(TFTP_ERROR.DISK_FULL, 'Disk full or allocation exceeded')
        : encodeError(TFTP_ERROR.NOT_DEFINED, 'The file could not be read or written on this side');
    default:
      return encodeError(TFTP_ERROR.NOT_DEFINED, error.message);
  }
}

/** What a failed transfer had achieved, for messages and `details`. */
export interface TransferReach {
  bytes: number;
  blocks: number;
  /** The size announced by tsize, when known. */
  expected: number | null;
}

/**
 * The TIMEOUT a transfer fails with when the peer stays silent through
 * every retransmission; says how far it got, in words and in `details`.
 * A request nobody ever answered (`neverAnswered`) says so, and is not
 * worth retrying at once.
 */
export function timeoutError(
  what: string,
  reach: TransferReach,
  retries: number,
  waitedMs: number,
  { neverAnswered = false }: { neverAnswered?: boolean } = {},
): FerryError {
  const of = reach.expected === null ? '' : ` of ${reach.expected}`;
  const waited = `${(waitedMs / 1000).toFixed(waitedMs < 10_000 ? 1 : 0)} s`;
  return new FerryError(
    'TIMEOUT',
    neverAnswered
      ? `${what}: no answer after ${retries} retransmissions (${waited}); is a TFTP server running there, and does a firewall let its replies through?`
      : `${what}: no answer from the peer after ${retries} retransmissions (${waited}); ` +
          `${reach.bytes}${of} bytes (${reach.blocks} blocks) had been transferred`,
    {
      ...(neverAnswered ? { retryable: false } : {}),
      details: {
        bytes: reach.bytes,
        blocks: reach.blocks,
        retries,
        ...(reach.expected === null ? {} : { expectedBytes: reach.expected }),
      },
    },
  );
}
