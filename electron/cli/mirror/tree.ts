import type { Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { displayName, unsafeNameReason, windowsNameProblem } from '../../../shared/names.js';
import { joinRemote } from '../../../shared/remotePath.js';
import { errnoOf, fromNodeError } from '../../core/errors/fromNodeError.js';
import type { RemoteFileSystem } from '../../core/remote/remoteFileSystem.js';
import { caseCollisions } from '../../core/transfers/localNames.js';
import { isPartialName } from '../../core/transfers/partialFile.js';

/**
 * What one path of a mirror's side is. A `link` is a symbolic link in a
 * local destination: never followed, never written through (a folder link
 * there would send downloads outside the tree), only unlinked by --delete.
 */
export interface TreeEntry {
  kind: 'file' | 'folder' | 'link';
  size: number;
  modified: number | null;
}

/** One side of a mirror, by path relative to its root ('' is the root). */
export interface Tree {
  entries: Map<string, TreeEntry>;
  /**
   * Paths the walk saw but left out: unsafe or partial names, links it does
   * not follow, entries that vanished while listing. The source side's are
   * what --delete must never remove: the source may well hold them.
   */
  unknown: Set<string>;
  /**
   * Whether times may be cut to the minute (or the day): an FTP `LIST`
   * shows `Nov 22 05:34`, or only the date for older files.
   */
  coarseTimes: boolean;
}

/** Which side a walk lists: the source's leftovers are protected, the destination's are left alone. */
export type Side = 'source' | 'destination';

type Warn = (text: string) => void;

function childPath(relative: string, name: string): string {
  return relative === '' ? name : `${relative}/${name}`;
}

/**
 * Lists a local folder tree without following links. Any folder that
 * cannot be read fails the walk: a source folder read as empty would have
 * everything under it deleted at the destination. A source link to a file
 * counts as that file (put -r uploads its content); other links are not
 * followed and stay unknown. In a destination, links are listed as links.
 */
export async function walkLocal(root: string, side: Side, warn: Warn): Promise<Tree> {
  const tree: Tree = { entries: new Map(), unknown: new Set(), coarseTimes: false };
  const visit = async (relative: string): Promise<void> => {
    const folder = join(root, relative);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      throw fromNodeError(error, 'list', folder);
    }
    for (const name of names) {
      const path = childPath(relative, name);
      if (isPartialName(name)) {
        if (side === 'source') tree.unknown.add(path);
        continue;
      }
      const full = join(root, path);
      let info: Stats;
      try {
        info = await lstat(full);
      } catch (error) {
        if (errnoOf(error) !== 'ENOENT') throw fromNodeError(error, 'read', full);
        if (side === 'source') tree.unknown.add(path); // vanished while listing
        continue;
      }
      if (info.isDirectory()) {
        tree.entries.set(path, { kind: 'folder', size: 0, modified: info.mtimeMs });
        await visit(path);
      } else if (info.isFile()) {
        tree.entries.set(path, { kind: 'file', size: info.size, modified: info.mtimeMs });
      } else if (info.isSymbolicLink() && side === 'destination') {
        tree.entries.set(path, { kind: 'link', size: 0, modified: info.mtimeMs });
      } else if (info.isSymbolicLink()) {
        const target = await stat(full).catch(() => null);
        if (target?.isFile()) {
          tree.entries.set(path, { kind: 'file', size: target.size, modified: target.mtimeMs });
        } else {
          warn(`ferry: not following the link "${displayName(path)}" (not a file); it stays as it is\n`);
          tree.unknown.add(path);
        }
      } else if (side === 'source') {
        tree.unknown.add(path); // a device, socket or pipe: not copied
      }
    }
  };
  await visit('');
  return tree;
}

/**
 * Lists a server's folder tree. Names that could escape a folder are left
 * out on either side; on the source side of a download, so are names this
 * machine must not create (Windows-reserved and the like), which is the
 * only place that filter belongs: an upload creates nothing locally.
 */
export async function walkRemote(
  remote: RemoteFileSystem,
  root: string,
  side: Side,
  signal: AbortSignal,
  warn: Warn,
): Promise<Tree> {
  const tree: Tree = { entries: new Map(), unknown: new Set(), coarseTimes: remote.protocol === 'ftp' };
  const leaveOut = (path: string): void => {
    if (side === 'source') tree.unknown.add(path);
  };
  const visit = async (relative: string): Promise<void> => {
    const entries = await remote.list(relative === '' ? root : joinRemote(root, relative), signal);
    for (const entry of entries) {
      if (entry.name === '.' || entry.name === '..') continue;
      const reason = unsafeNameReason(entry.name) ?? (side === 'source' ? windowsNameProblem(entry.name) : null);
      if (reason !== null) {
        warn(`ferry: skipping "${displayName(entry.name)}": ${reason} (UNSAFE_NAME)\n`);
        // A name with a separator is not one path segment: record it under a
        // segment that cannot exist, so it protects its folder and nothing else.
        leaveOut(childPath(relative, unsafeNameReason(entry.name) === null ? entry.name : '\0'));
        continue;
      }
      const path = childPath(relative, entry.name);
      if (isPartialName(entry.name)) {
        leaveOut(path);
      } else if (entry.type === 'directory') {
        tree.entries.set(path, { kind: 'folder', size: 0, modified: entry.modified });
        await visit(path);
      } else if (entry.type === 'file' || (entry.type === 'symlink' && entry.linkTargetType === 'file')) {
        tree.entries.set(path, { kind: 'file', size: entry.size, modified: entry.modified });
      } else {
        if (side === 'source' && entry.type === 'symlink') {
          warn(`ferry: not following the link "${displayName(path)}" (not a file); it stays as it is\n`);
        }
        leaveOut(path);
      }
    }
  };
  await visit('');
  return tree;
}

/**
 * For a download to a folder that folds names: of source paths that differ
 * only by case or Unicode form (`Readme`, `README`), only the first can be
 * written there; the others are left out, as get -r leaves them out, and
 * are unknown (never deleted).
 */
export function leaveOutFoldCollisions(tree: Tree, warn: Warn): void {
  const colliding = caseCollisions([...tree.entries.keys()]);
  if (colliding.size === 0) return;
  for (const path of [...tree.entries.keys()]) {
    const under = [...colliding].find((top) => path === top || path.startsWith(`${top}/`));
    if (under === undefined) continue;
    tree.entries.delete(path);
    if (path === under) {
      warn(`ferry: skipping "${displayName(path)}": another name differs only by case (UNSAFE_NAME)\n`);
      tree.unknown.add(path);
    }
  }
}
