import { z } from 'zod';

// Kept apart from entries.ts so code that only handles entries (the
// engines, the CLI) does not load zod: that costs every `ferry` command
// milliseconds of start-up.

/** What an entry in a folder listing is. A symlink also says what it points at. */
export const entryTypeSchema = z.enum(['file', 'directory', 'symlink', 'other']);

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
  /**
   * For a symlink: the type of what it resolves to. Undefined means broken,
   * unless `linkTargetUnknown` says the source could not tell.
   */
  linkTargetType: entryTypeSchema.optional(),
  /**
   * For a symlink whose target the source did not look at: true. FTP's LIST
   * gives "name -> target" and nothing about the target, and probing every
   * link of a listing would cost a round trip each; such a link may be a
   * folder, a file or broken, and is found out when it is used.
   */
  linkTargetUnknown: z.boolean().optional(),
  /** The owning user's name (or numeric id) when the source tells it. */
  owner: z.string().optional(),
  /** The owning group's name (or numeric id) when the source tells it. */
  group: z.string().optional(),
});

/** A listed folder: its canonical path, its parent (null at a root) and its entries. */
export const folderListingSchema = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  separator: z.enum(['/', '\\']),
  entries: z.array(fileEntrySchema),
});
