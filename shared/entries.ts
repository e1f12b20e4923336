import type { z } from 'zod';
import type { entryTypeSchema, fileEntrySchema, folderListingSchema } from './entrySchemas.js';

export type EntryType = z.infer<typeof entryTypeSchema>;
export type FileEntry = z.infer<typeof fileEntrySchema>;
export type FolderListing = z.infer<typeof folderListingSchema>;

/** True when an entry can be opened like a folder (a folder, or a link to one). */
export function isFolderLike(entry: FileEntry): boolean {
  return entry.type === 'directory' || (entry.type === 'symlink' && entry.linkTargetType === 'directory');
}

/**
 * True for a symlink whose target's type the source did not say (FTP's
 * LIST): it may be a folder, a file or broken, and is tried when used.
 */
export function isUnresolvedLink(entry: FileEntry): boolean {
  return entry.type === 'symlink' && entry.linkTargetType === undefined && entry.linkTargetUnknown === true;
}

/** True for a symlink known to lead nowhere: its target is missing (or cannot be looked at). */
export function isBrokenLink(entry: FileEntry): boolean {
  return entry.type === 'symlink' && entry.linkTargetType === undefined && entry.linkTargetUnknown !== true;
}

/**
 * What a listing found at a path that is no folder, carried in its error's
 * details: a file (or a link to one), with its size when known, or nothing
 * the server can find (a broken link, say). An engine that cannot tell
 * leaves the details out. This is how the window learns what a link of
 * unknown type is when opening it as a folder fails.
 */
export type NotAFolder = { found: 'file'; size?: number } | { found: 'nothing' };

/** The error details that say {@link NotAFolder}. */
export function notAFolderDetails(what: NotAFolder): Record<string, string | number> {
  return what.found === 'file' && what.size !== undefined ? { found: 'file', size: what.size } : { found: what.found };
}

/** Reads {@link NotAFolder} back from an error's details; undefined when they do not say. */
export function notAFolderOf(details: Readonly<Record<string, unknown>> | undefined): NotAFolder | undefined {
  if (details?.found === 'nothing') return { found: 'nothing' };
  if (details?.found !== 'file') return undefined;
  const size = details.size;
  return typeof size === 'number' && Number.isSafeInteger(size) && size >= 0
    ? { found: 'file', size }
    : { found: 'file' };
}

export const SORT_KEYS = ['name', 'size', 'type', 'modified', 'permissions'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface SortOrder {
  key: SortKey;
  direction: 'ascending' | 'descending';
}

// Made on first use: building a collator loads ICU's collation data, some
// milliseconds that every `ferry` command would pay at start-up for nothing.
let collator: Intl.Collator | undefined;

function compareNames(a: string, b: string): number {
  collator ??= new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  return collator.compare(a, b);
}

function typeLabel(entry: FileEntry): string {
  if (isFolderLike(entry)) return 'folder';
  if (entry.type === 'symlink') return 'link';
  if (entry.type === 'other') return 'other';
  const dot = entry.name.lastIndexOf('.');
  return dot > 0 ? entry.name.slice(dot + 1).toLowerCase() : '';
}

function compareBy(key: SortKey, a: FileEntry, b: FileEntry): number {
  switch (key) {
    case 'name':
      return compareNames(a.name, b.name);
    case 'size':
      return a.size - b.size;
    case 'type':
      return compareNames(typeLabel(a), typeLabel(b));
    case 'modified':
      return (a.modified ?? -Infinity) - (b.modified ?? -Infinity) || 0;
    case 'permissions':
      return (a.permissions ?? '').localeCompare(b.permissions ?? '');
  }
}

/**
 * Sorts a listing the way file managers do: folders first whatever the
 * direction, then by the chosen column, ties broken by name so the order is
 * stable and predictable.
 */
export function sortEntries(entries: readonly FileEntry[], order: SortOrder): FileEntry[] {
  const sign = order.direction === 'ascending' ? 1 : -1;
  return [...entries].sort((a, b) => {
    const folderFirst = Number(isFolderLike(b)) - Number(isFolderLike(a));
    if (folderFirst !== 0) return folderFirst;
    const primary = compareBy(order.key, a, b) * sign;
    return primary !== 0 ? primary : compareNames(a.name, b.name);
  });
}
