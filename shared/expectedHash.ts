import { FerryError } from './errors.js';

/** Algorithms a person can name for an expected hash, with their length in hex digits. */
const HEX_LENGTH = { md5: 32, sha1: 40, sha256: 64, sha512: 128 } as const;

export type ExpectedHashAlgorithm = keyof typeof HEX_LENGTH;

/** A hash the user expects a file to have, e.g. from a vendor's download page. */
export interface ExpectedHash {
  algorithm: ExpectedHashAlgorithm;
  /** Lower-case hex. */
  hex: string;
}

/**
 * Parses `sha256:HEX` / `md5:HEX` (also `SHA-256:`; colons and spaces
 * inside the hex are ignored, as vendors print them either way). Shared so
 * the window can refuse a mistyped hash before anything is queued.
 */
export function parseExpectedHash(text: string): ExpectedHash {
  const match = /^\s*(md5|sha-?1|sha-?256|sha-?512)\s*:\s*([0-9a-fA-F: ]+)\s*$/i.exec(text);
  if (!match?.[1] || !match[2]) {
    throw new FerryError('INVALID_INPUT', `Expected hash "${text}" is not ALGORITHM:HEX (md5, sha1, sha256 or sha512)`);
  }
  const algorithm = match[1].toLowerCase().replace('-', '') as ExpectedHashAlgorithm;
  const hex = match[2].replace(/[: ]/g, '').toLowerCase();
  if (hex.length !== HEX_LENGTH[algorithm]) {
    throw new FerryError(
      'INVALID_INPUT',
      `A ${algorithm} hash has ${String(HEX_LENGTH[algorithm])} hex digits; "${text}" has ${hex.length}`,
    );
  }
  return { algorithm, hex };
}
