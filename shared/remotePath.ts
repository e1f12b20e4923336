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
