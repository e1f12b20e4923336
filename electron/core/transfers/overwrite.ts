import { compareFileTimes } from '../../../shared/fileTimes.js';

/**
 * What to do when the destination of a transfer already exists, in
 * FileZilla's and WinSCP's terms. `ask` raises a question and may be
 * answered once for every file that follows.
 */
export const OVERWRITE_POLICIES = [
  'ask',
  'overwrite',
  'overwriteIfNewer',
  'overwriteIfSizeDiffers',
  'resume',
  'rename',
  'skip',
] as const;
export type OverwritePolicy = (typeof OVERWRITE_POLICIES)[number];

/** A decision for one file. */
export type OverwriteAction = 'overwrite' | 'resume' | 'rename' | 'skip';

export interface FileFacts {
  size: number | null;
  modified: number | null;
}

export interface OverwriteQuestion {
  jobId: string;
  /** The path that already exists (local for downloads, remote for uploads). */
  target: string;
  source: FileFacts;
  existing: FileFacts;
}

export interface OverwriteAnswer {
  action: OverwriteAction;
  /** Use this answer for every later file of this run without asking. */
  applyToAll: boolean;
}

/**
 * Turns a non-asking policy into an action for one file, comparing the
 * source with what is already there. `overwriteIfNewer` and
 * `overwriteIfSizeDiffers` skip when the comparison says the copy is
 * current; unknown facts count as "different", so nothing is silently lost.
 */
export function decideOverwrite(
  policy: Exclude<OverwritePolicy, 'ask'>,
  source: FileFacts,
  existing: FileFacts,
): OverwriteAction {
  switch (policy) {
    case 'overwrite':
    case 'resume':
    case 'rename':
    case 'skip':
      return policy;
    case 'overwriteIfNewer':
      if (source.modified === null || existing.modified === null) return 'overwrite';
      return compareFileTimes(source.modified, existing.modified) > 0 ? 'overwrite' : 'skip';
    case 'overwriteIfSizeDiffers':
      if (source.size === null || existing.size === null) return 'overwrite';
      return source.size !== existing.size ? 'overwrite' : 'skip';
  }
}
