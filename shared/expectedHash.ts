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

/** The algorithm a bare hex digest of this many digits can only be, if any. */
function algorithmOfLength(digits: number): ExpectedHashAlgorithm | undefined {
  return (Object.keys(HEX_LENGTH) as ExpectedHashAlgorithm[]).find((name) => HEX_LENGTH[name] === digits);
}

/**
 * Parses `sha256:HEX` / `md5:HEX` (also `SHA-256:`; colons and spaces
 * inside the hex are ignored, as vendors print them either way), or bare
 * hex, whose length names the algorithm (32 md5, 40 sha1, 64 sha256, 128
 * sha512), as pasted from a vendor's page. Shared so the window can refuse
 * a mistyped hash before anything is queued.
 */
export function parseExpectedHash(text: string): ExpectedHash {
  const bare = /^\s*([0-9a-fA-F]+)\s*$/.exec(text)?.[1];
  const bareAlgorithm = bare === undefined ? undefined : algorithmOfLength(bare.length);
  if (bare !== undefined && bareAlgorithm !== undefined) return { algorithm: bareAlgorithm, hex: bare.toLowerCase() };
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
