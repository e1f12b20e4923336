import type { FerryErrorCode } from '../../../shared/errors.js';
import { compareFileTimes, resolutionOf } from '../../../shared/fileTimes.js';
import { foldName } from '../../core/transfers/localNames.js';
import type { Tree, TreeEntry } from './tree.js';

/** A source path the mirror will not copy, and why. */
export interface Refusal {
  path: string;
  code: FerryErrorCode;
  reason: string;
}

export interface Plan {
  /** Source folders missing at the destination, parents first. */
  folders: string[];
  copies: string[];
  /** Everything --delete removes, deepest first, so folders are empty by the time they go. */
  deletions: string[];
  /**
   * The deletions that make room for a copy (a folder where the source now
   * has a file, or the reverse), deepest first: they run before the copies.
   */
  replacements: string[];
  refused: Refusal[];
}

/**
 * A file needs copying when it is missing, differs in size, or is newer at
 * the source. Times are compared at the coarser side's resolution: an
 * upload sets the server's time to the second, but `LIST` shows minutes,
 * and compared to the second every such file would look older each run.
 */
function needsCopy(source: TreeEntry, target: TreeEntry | undefined, coarse: Coarse): boolean {
  if (!target || target.kind !== 'file') return true;
  if (source.size !== target.size) return true;
  if (source.modified === null || target.modified === null) return false;
  const step = Math.max(resolutionOf(source.modified, coarse.source), resolutionOf(target.modified, coarse.target));
  return compareFileTimes(source.modified, target.modified, step) > 0;
}

interface Coarse {
  source: boolean;
  target: boolean;
}

/** `a/b/c` → `a`, `a/b`, `a/b/c`. */
function prefixes(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
}

/**
 * Which destination paths --delete must leave alone because the source
 * walk could not say what it holds there: the unknown paths themselves,
 * everything under them, and the folders holding them.
 */
function guardOf(unknown: ReadonlySet<string>): (path: string) => boolean {
  const holders = new Set<string>();
  for (const path of unknown) for (const prefix of prefixes(path).slice(0, -1)) holders.add(prefix);
  return (path) => holders.has(path) || prefixes(path).some((prefix) => unknown.has(prefix));
}

export interface PlanOptions {
  /** --delete: list what the source lacks, and let entries of another kind make way. */
  replace: boolean;
  /**
   * The destination is known to take names that differ only by case or
   * Unicode form for one file (a local folder probed so). A server's
   * folding is not known: Windows and macOS servers do, most others not.
   */
  targetFolds: boolean;
}

const KIND_NAME = { file: 'a file', folder: 'a folder', link: 'a symbolic link' } as const;

/**
 * Compares the two walks. `replace` (--delete) lists what the source lacks
 * for deletion and lets a destination entry of another kind make way for
 * the source's; without it nothing is listed and such a path is refused.
 * A link in a local destination is always refused, never written through.
 *
 * On a destination known to fold names, `README.TXT` there is the source's
 * `Readme.txt`: compared as one file. On any destination, a path whose
 * folded form the source has is never deleted: where names fold (a server,
 * or a subfolder made case-insensitive on its own) it is the very file the
 * copy of `Readme.txt` lands in, and keeping a stale spelling is harmless.
 */
export function plan(source: Tree, target: Tree, options: PlanOptions): Plan {
  const { replace, targetFolds } = options;
  const targetByFold = new Map<string, string>();
  if (targetFolds) {
    for (const path of target.entries.keys())
      if (!targetByFold.has(foldName(path))) targetByFold.set(foldName(path), path);
  }
  /** The destination entry standing for a source path: the same bytes, or on a folding destination the same folded key. */
  const counterpart = (path: string): TreeEntry | undefined => {
    const same = target.entries.get(path);
    if (same !== undefined || !targetFolds) return same;
    const folded = targetByFold.get(foldName(path));
    return folded === undefined ? undefined : target.entries.get(folded);
  };

  const folders: string[] = [];
  const copies: string[] = [];
  const refused: Refusal[] = [];
  const coarse = { source: source.coarseTimes, target: target.coarseTimes };
  const blocked = new Set<string>();
  for (const [path, entry] of source.entries) {
    // The walk lists a folder before what it holds, so a refused folder is known by now.
    if (prefixes(path).some((prefix) => blocked.has(prefix))) continue;
    const there = counterpart(path);
    if (there?.kind === 'link') {
      refused.push({
        path,
        code: 'ALREADY_EXISTS',
        reason:
          'is a symbolic link at the destination; Ferry does not download through links (remove it or mirror into another folder)',
      });
      blocked.add(path);
      continue;
    }
    const clash = there !== undefined && there.kind !== entry.kind;
    if (clash && !replace) {
      refused.push({
        path,
        code: 'ALREADY_EXISTS',
        reason: `is ${KIND_NAME[there.kind]} at the destination but ${KIND_NAME[entry.kind]} at the source; --delete replaces it`,
      });
      blocked.add(path);
      continue;
    }
    if (entry.kind === 'folder' && there?.kind !== 'folder') folders.push(path);
    if (entry.kind === 'file' && needsCopy(entry, there, coarse)) copies.push(path);
  }

  // Without --delete nothing is removed, not even to make room.
  if (!replace) return { folders, copies, deletions: [], replacements: [], refused };
  const guarded = guardOf(source.unknown);
  const sourceFolds = new Set([...source.entries.keys()].map(foldName));
  const kindClash = (path: string): boolean => {
    const here = source.entries.get(path);
    return here !== undefined && here.kind !== target.entries.get(path)?.kind;
  };
  const deletions: string[] = [];
  for (const [path, there] of target.entries) {
    if (guarded(path)) continue;
    const here = source.entries.get(path);
    if (here?.kind === there.kind) continue;
    // A link the source has a path for was refused above: it stays.
    if (here !== undefined && there.kind === 'link') continue;
    // Another spelling of a source path: where names fold, the file the copy writes.
    if (here === undefined && sourceFolds.has(foldName(path))) continue;
    deletions.push(path);
  }
  deletions.sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b));
  const replacements = deletions.filter((path) => prefixes(path).some(kindClash));
  return { folders, copies, deletions, replacements, refused };
}
