import { FerryError, type FerryErrorCode } from '../../../../shared/errors.js';
import { describeReply, replyText, type FtpReply } from './reply.js';

const PERMISSION_TEXT = /permission|denied|not allowed|forbidden|access|read-only|not authori[sz]ed/i;
const EXISTS_TEXT = /already exists|file exists|directory exists/i;
const MISSING_TEXT = /no such|not found|not exist|doesn't exist|cannot find|can't find|unavailable|failed to open/i;

/** What a 550 (or 553) means, read from the server's words, with a default when they say nothing. */
function codeFor550(text: string, fallback: FerryErrorCode): FerryErrorCode {
  if (EXISTS_TEXT.test(text)) return 'ALREADY_EXISTS';
  if (PERMISSION_TEXT.test(text)) return 'PERMISSION_DENIED';
  if (MISSING_TEXT.test(text)) return 'NOT_FOUND';
  return fallback;
}

/** The error code and retryability for a failure reply. */
function classify(reply: FtpReply, fallback550: FerryErrorCode): { code: FerryErrorCode; retryable: boolean } {
  const text = replyText(reply);
  switch (reply.code) {
    case 421: // service closing the control connection (e.g. "too many connections")
    case 425: // cannot open the data connection
    case 426: // data connection closed, transfer aborted
      return { code: 'CONNECTION_LOST', retryable: true };
    case 450: // file busy
    case 451: // local error on the server
      return { code: 'PROTOCOL', retryable: true };
    case 452: // insufficient storage
    case 552: // storage allocation exceeded
      return { code: 'PROTOCOL', retryable: false };
    case 530: // not logged in
    case 532: // need an account
      return { code: 'AUTH_FAILED', retryable: false };
    case 500:
    case 501:
    case 502:
    case 504:
      return { code: reply.code === 502 || reply.code === 504 ? 'UNSUPPORTED' : 'PROTOCOL', retryable: false };
    case 534: // refused for policy reasons (TLS)
      return { code: 'TLS_REQUIRED', retryable: false };
    case 550:
      return { code: codeFor550(text, fallback550), retryable: false };
    case 553: // file name not allowed
      return { code: codeFor550(text, 'PERMISSION_DENIED'), retryable: false };
    default:
      return { code: 'PROTOCOL', retryable: reply.code >= 400 && reply.code < 500 };
  }
}

/**
 * Turns a failure reply into a FerryError that names what failed and
 * keeps the reply code, e.g. `Cannot delete "/a": 550 Permission denied.`
 * A 550's meaning depends on the command and the server's wording:
 * `fallback550` is the code when the wording says nothing clear.
 */
export function replyError(action: string, reply: FtpReply, fallback550: FerryErrorCode = 'NOT_FOUND'): FerryError {
  const { code, retryable } = classify(reply, fallback550);
  return new FerryError(code, `${action}: ${describeReply(reply)}`, { retryable, replyCode: reply.code });
}
