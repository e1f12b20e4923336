/**
 * Remote paths are POSIX-style strings whatever the protocol ('/srv/www',
 * 'images/ios.bin'); these helpers never touch the local disk's rules.
 */

/** Joins a remote folder and a name (or relative path) with '/'. */
export function joinRemote(folder: string, name: string): string {
  if (name.startsWith('/')) return name;
  if (folder === '' || folder === '.') return name;
  return folder.endsWith('/') ? folder + name : `${folder}/${name}`;
}

/** The last segment of a remote path ('' for '/'). */
export function remoteBaseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** The folder holding a remote path: '/a/b' → '/a', '/a' → '/', 'a' → '.'. */
export function remoteParent(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const slash = trimmed.lastIndexOf('/');
  if (slash < 0) return '.';
  if (slash === 0) return '/';
  return trimmed.slice(0, slash);
}

/**
 * Resolves a path typed by a person against the folder shown: relative
 * paths join it, and `.` and `..` segments are folded so the path box and
 * the parent button agree with the server. Never climbs above `/`.
 */
export function resolveRemote(current: string, typed: string): string {
  const joined = typed.startsWith('/') ? typed : joinRemote(current.startsWith('/') ? current : `/${current}`, typed);
  const parts: string[] = [];
  for (const segment of joined.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return `/${parts.join('/')}`;
}
