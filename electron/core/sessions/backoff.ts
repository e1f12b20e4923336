/**
 * Exponential backoff with full jitter: attempt n waits a random time in
 * [0, min(max, base·2^(n−1))], so many clients retrying a struggling server
 * spread out instead of arriving together.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random) {
  if (attempt <= 0) return 0;
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}
