import type { FerryUrl } from './url.js';

/**
 * The key a site is known by in the queue and the UI: the URL without its
 * password, e.g. `sftp://deploy@example.org:22`. Saved jobs carry it, so
 * after a restart they wait until the same site is connected again.
 */
export function siteKeyOf(target: FerryUrl): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const user = target.user === undefined ? '' : `${encodeURIComponent(target.user)}@`;
  return `${target.scheme}://${user}${host}:${target.port}`;
}
