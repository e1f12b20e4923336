import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { FerryError } from '../../../shared/errors.js';
import { fromNodeError } from '../errors/fromNodeError.js';
import { rethrowIfAborted } from '../remote/streams.js';
import type { HashAlgorithm, RemoteFileSystem } from '../remote/remoteFileSystem.js';

/** How a transfer is checked beyond its size: the best both sides can do, one algorithm, or size only. */
export type VerifyMode = 'auto' | 'none' | 'md5' | 'sha1' | 'sha256' | 'sha512';

/** Algorithms Ferry can compute locally, strongest first. */
const LOCAL_ALGORITHMS: readonly HashAlgorithm[] = ['sha512', 'sha256', 'sha1', 'md5'];

/**
 * The algorithm to verify with: for `auto`, the strongest one the server
 * offers that Ferry can also compute; for a named one, that one if the
 * server offers it; null when no hash check is possible.
 */
export function chooseAlgorithm(mode: VerifyMode, remote: RemoteFileSystem): HashAlgorithm | null {
  if (mode === 'none') return null;
  const offered = remote.capabilities.hash;
  if (mode !== 'auto') return offered.includes(mode) ? mode : null;
  return LOCAL_ALGORITHMS.find((algorithm) => offered.includes(algorithm)) ?? null;
}

/**
 * Refuses a named algorithm (`--verify sha256`) the server cannot compute,
 * before anything moves: asked for by name, a hash check must not quietly
 * become a size check. `auto` and `none` always pass.
 */
export function requireVerifyMode(mode: VerifyMode, remote: RemoteFileSystem): void {
  if (mode === 'auto' || mode === 'none' || remote.capabilities.hash.includes(mode)) return;
  const offered = remote.capabilities.hash;
  throw new FerryError(
    'UNSUPPORTED',
    `The server cannot compute ${mode} hashes (${offered.length === 0 ? 'it offers none' : `it offers ${offered.join(', ')}`}), so the transfer could not be verified that way; ` +
      `use --verify auto (the strongest it offers, else the size), or --expect-hash with a hash you know`,
  );
}

/** Hashes a local file as lower-case hex. */
export async function hashLocalFile(path: string, algorithm: HashAlgorithm, signal?: AbortSignal): Promise<string> {
  if (!LOCAL_ALGORITHMS.includes(algorithm)) {
    throw new FerryError('UNSUPPORTED', `Ferry cannot compute ${algorithm} locally`);
  }
  const digest = createHash(algorithm);
  try {
    await pipeline(createReadStream(path), digest, { signal });
  } catch (error) {
    rethrowIfAborted(error, signal);
    throw fromNodeError(error, 'read', path);
  }
  return digest.digest('hex');
}

/** A hash check to run on a finished transfer: what to compute, and what it must equal. */
export interface HashCheck {
  algorithm: HashAlgorithm;
  /** Where the expected value comes from, for messages: the server, or the user. */
  source: 'server' | 'user';
  expected: () => Promise<string>;
}

/** Compares a local file's hash with the expected one; VERIFY_FAILED with both when they differ. */
export async function checkHash(path: string, check: HashCheck, label: string, signal?: AbortSignal): Promise<void> {
  // A failed expected value ends the local hashing too: it would otherwise
  // read on through a large file, holding it open, after the check failed.
  const stopLocal = new AbortController();
  const localSignal = signal ? AbortSignal.any([signal, stopLocal.signal]) : stopLocal.signal;
  const [expected, actual] = await Promise.all([
    check.expected().catch((error: unknown) => {
      stopLocal.abort();
      throw error;
    }),
    hashLocalFile(path, check.algorithm, localSignal),
  ]);
  if (expected.toLowerCase() !== actual) {
    const from = check.source === 'server' ? 'the server computed' : 'you expected';
    throw new FerryError(
      'VERIFY_FAILED',
      `${check.algorithm} of "${label}" is ${actual} but ${from} ${expected.toLowerCase()}`,
      { retryable: false, details: { algorithm: check.algorithm, expected: expected.toLowerCase(), actual } },
    );
  }
}
