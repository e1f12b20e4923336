import { FerryError } from '../../../../shared/errors.js';
import type { OptionMap } from './packet.js';

/** RFC 1350's block size, used whenever blksize is not negotiated. */
export const DEFAULT_BLKSIZE = 512;
/** RFC 2348 limits: 8 to 65464 bytes (the largest payload of a UDP datagram over IPv4 minus headers). */
export const BLKSIZE_MIN = 8;
/** The largest block size (RFC 2348). */
export const BLKSIZE_MAX = 65464;
/** RFC 2349 limits, in seconds. */
export const TIMEOUT_MIN = 1;
/** The longest timeout, in seconds (RFC 2349). */
export const TIMEOUT_MAX = 255;
/** RFC 7440 limits. */
export const WINDOWSIZE_MIN = 1;
/** The largest window (RFC 7440). */
export const WINDOWSIZE_MAX = 65535;

/** What a client asks for; absent fields are not requested. */
export interface RequestedOptions {
  blksize?: number;
  windowsize?: number;
  /** Seconds. */
  timeout?: number;
  /** 0 in a read request (asking for the size); the size in a write request. */
  tsize?: number;
}

/** What both sides agreed on, with RFC 1350 defaults where nothing was agreed. */
export interface NegotiatedOptions {
  blksize: number;
  windowsize: number;
  /** Seconds; null when not negotiated (each side picks its own). */
  timeout: number | null;
  /** The transfer size when one side announced it. */
  tsize: number | null;
}

/** Plain RFC 1350: what a transfer uses when the peer ignores or refuses options. */
export const PLAIN_OPTIONS: NegotiatedOptions = Object.freeze({
  blksize: DEFAULT_BLKSIZE,
  windowsize: 1,
  timeout: null,
  tsize: null,
});

/** Parses a decimal option value; null for anything else (signs, spaces, exponents, huge numbers). */
export function parseOptionNumber(text: string): number | null {
  if (!/^[0-9]{1,15}$/.test(text)) return null;
  return Number(text);
}

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FerryError('INVALID_INPUT', `TFTP ${name} must be a whole number from ${min} to ${max}, not ${value}`);
  }
}

/** Throws INVALID_INPUT when a requested option is out of its RFC range. */
export function validateRequested(options: RequestedOptions): void {
  checkRange('blksize', options.blksize, BLKSIZE_MIN, BLKSIZE_MAX);
  checkRange('windowsize', options.windowsize, WINDOWSIZE_MIN, WINDOWSIZE_MAX);
  checkRange('timeout', options.timeout, TIMEOUT_MIN, TIMEOUT_MAX);
  checkRange('tsize', options.tsize, 0, Number.MAX_SAFE_INTEGER);
}

/** The options of a request, in a stable order. Empty when nothing is requested. */
export function requestOptionMap(options: RequestedOptions): OptionMap {
  const map: OptionMap = new Map();
  if (options.blksize !== undefined) map.set('blksize', String(options.blksize));
  if (options.tsize !== undefined) map.set('tsize', String(options.tsize));
  if (options.timeout !== undefined) map.set('timeout', String(options.timeout));
  if (options.windowsize !== undefined) map.set('windowsize', String(options.windowsize));
  return map;
}

/** The options Ferry negotiates; an OACK naming any other was not asked for. */
const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['blksize', 'windowsize', 'timeout', 'tsize']);

function refused(why: string): FerryError {
  return new FerryError('PROTOCOL', `The server's option acknowledgement is invalid: ${why}`, { replyCode: 8 });
}

/**
 * Client side: checks a server's OACK against what was asked (RFC 2347:
 * the server may only lower blksize and windowsize, must echo timeout, and
 * may not add options) and returns the agreed values. Throws PROTOCOL,
 * after which the client answers ERROR 8 and gives up.
 */
export function acceptOack(oack: OptionMap, requested: RequestedOptions): NegotiatedOptions {
  const agreed: NegotiatedOptions = { ...PLAIN_OPTIONS };
  for (const [name, text] of oack) {
    if (!KNOWN_OPTIONS.has(name)) throw refused(`"${name}" was not requested`);
    const value = parseOptionNumber(text);
    if (value === null) throw refused(`${name} "${text}" is not a number`);
    switch (name) {
      case 'blksize':
        if (requested.blksize === undefined) throw refused('blksize was not requested');
        if (value < BLKSIZE_MIN || value > requested.blksize)
          throw refused(`blksize ${value} is not 8–${requested.blksize}`);
        agreed.blksize = value;
        break;
      case 'windowsize':
        if (requested.windowsize === undefined) throw refused('windowsize was not requested');
        if (value < WINDOWSIZE_MIN || value > requested.windowsize) {
          throw refused(`windowsize ${value} is not 1–${requested.windowsize}`);
        }
        agreed.windowsize = value;
        break;
      case 'timeout':
        if (requested.timeout === undefined) throw refused('timeout was not requested');
        if (value !== requested.timeout) throw refused(`timeout ${value} differs from the ${requested.timeout} asked`);
        agreed.timeout = value;
        break;
      case 'tsize':
        if (requested.tsize === undefined) throw refused('tsize was not requested');
        agreed.tsize = value;
        break;
      default:
        throw refused(`"${name}" was not requested`);
    }
  }
  return agreed;
}

/** What a server is willing to agree to. */
export interface ServerOptionLimits {
  maxBlksize: number;
  maxWindowsize: number;
}

/** A server's answer to a request's options. */
export interface ServerAnswer {
  /** The OACK to send; empty means no OACK (plain RFC 1350 transfer). */
  reply: OptionMap;
  negotiated: NegotiatedOptions;
}

/**
 * Server side: answers a request's options (RFC 2347–2349, 7440). Unknown
 * and malformed options are left out of the reply, as the RFCs ask, so
 * the client falls back to defaults for them. `fileSize` is the size to
 * announce for a read request with tsize; null leaves tsize out.
 */
export function answerOptions(
  requested: OptionMap,
  limits: ServerOptionLimits,
  request: { type: 'RRQ' | 'WRQ'; fileSize: number | null },
): ServerAnswer {
  const reply: OptionMap = new Map();
  const negotiated: NegotiatedOptions = { ...PLAIN_OPTIONS };
  for (const [name, text] of requested) {
    const value = parseOptionNumber(text);
    if (value === null) continue;
    switch (name) {
      case 'blksize':
        if (value < BLKSIZE_MIN) continue;
        negotiated.blksize = Math.min(value, limits.maxBlksize, BLKSIZE_MAX);
        reply.set(name, String(negotiated.blksize));
        break;
      case 'windowsize':
        if (value < WINDOWSIZE_MIN) continue;
        negotiated.windowsize = Math.min(value, limits.maxWindowsize, WINDOWSIZE_MAX);
        reply.set(name, String(negotiated.windowsize));
        break;
      case 'timeout':
        if (value < TIMEOUT_MIN || value > TIMEOUT_MAX) continue;
        negotiated.timeout = value;
        reply.set(name, String(value));
        break;
      case 'tsize':
        if (request.type === 'WRQ') {
          negotiated.tsize = value;
          reply.set(name, String(value));
        } else if (request.fileSize !== null) {
          negotiated.tsize = request.fileSize;
          reply.set(name, String(request.fileSize));
        }
        break;
      default:
        break;
    }
  }
  return { reply, negotiated };
}
