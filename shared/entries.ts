import { z } from 'zod';

/** What an entry in a folder listing is. A symlink also says what it points at. */
export const entryTypeSchema = z.enum(['file', 'directory', 'symlink', 'other']);
export type EntryType = z.infer<typeof entryTypeSchema>;

/**
 * One entry of a folder listing, local or remote. Sizes are bytes and times
 * are milliseconds since the epoch: never display strings, so columns sort
 * by value and the UI formats them once, at render time.
 */
export const fileEntrySchema = z.object({
  name: z.string(),
  type: entryTypeSchema,
  size: z.number().nonnegative(),
  /** Modification time in ms since the epoch, or null when unknown. */
  modified: z.number().nullable(),
  /** `rwxr-xr-x` style permissions, or null when the source has none. */
  permissions: z.string().nullable(),
  hidden: z.boolean(),
  /** For a symlink: where it points, as stored in the link. */
  linkTarget: z.string().optional(),
  /** For a symlink: the type of what it resolves to, or undefined if it is broken. */
  linkTargetType: entryTypeSchema.optional(),
  /** The owning user's name (or numeric id) when the source tells it. */
  owner: z.string().optional(),
  /** The owning group's name (or numeric id) when the source tells it. */
  group: z.string().optional(),
});
export type FileEntry = z.infer<typeof fileEntrySchema>;

/** A listed folder: its canonical path, its parent (null at a root) and its entries. */
export const folderListingSchema = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  separator: z.enum(['/', '\\']),
  entries: z.array(fileEntrySchema),
});
export type FolderListing = z.infer<typeof folderListingSchema>;

/** True when an entry can be opened like a folder (a folder, or a link to one). */
export function isFolderLike(entry: FileEntry): boolean {
  return entry.type === 'directory' || (entry.type === 'symlink' && entry.linkTargetType === 'directory');
}

export const SORT_KEYS = ['name', 'size', 'type', 'modified', 'permissions'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface SortOrder {
  key: SortKey;
  direction: 'ascending' | 'descending';
}

const nameCollator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

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
      return nameCollator.compare(a.name, b.name);
    case 'size':
      return a.size - b.size;
    case 'type':
      return nameCollator.compare(typeLabel(a), typeLabel(b));
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
    return primary !== 0 ? primary : nameCollator.compare(a.name, b.name);
  });
}
