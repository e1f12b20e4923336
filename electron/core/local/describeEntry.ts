import type { Dirent, Stats } from 'node:fs';
import { lstat, readlink, stat } from 'node:fs/promises';
import type { EntryType, FileEntry } from '../../../shared/entries.js';
import { formatPermissions } from '../../../shared/permissions.js';

export function entryTypeOf(stats: Stats | Dirent): EntryType {
  if (stats.isDirectory()) return 'directory';
  if (stats.isFile()) return 'file';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

/**
 * Describes one local path as a listing entry without following it: a
 * symlink is reported as a symlink, with its target and the target's type.
 * Throws (as node:fs does) when the path cannot be lstat'ed.
 */
export async function describeEntry(path: string, name: string): Promise<FileEntry> {
  const info = await lstat(path);
  const entry: FileEntry = {
    name,
    type: entryTypeOf(info),
    size: info.isFile() ? info.size : 0,
    modified: info.mtimeMs,
    permissions: formatPermissions(info.mode),
    hidden: name.startsWith('.'),
  };
  if (entry.type === 'symlink') {
    try {
      entry.linkTarget = await readlink(path);
    } catch {
      // An unreadable link still lists; it just shows no target.
    }
    try {
      const target = await stat(path);
      entry.linkTargetType = entryTypeOf(target);
      if (target.isFile()) entry.size = target.size;
    } catch {
      // Broken link: linkTargetType stays undefined.
    }
  }
  return entry;
}
