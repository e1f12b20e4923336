import { sep } from 'node:path';

/** True when `path` is `root` or lies inside it (both absolute, and real paths where links matter). */
export function isInside(root: string, path: string): boolean {
  if (path === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return path.startsWith(prefix);
}
