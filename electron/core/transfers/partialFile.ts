import { constants } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { FerryError } from '../../../shared/errors.js';
import { fromNodeError } from '../errors/fromNodeError.js';

/** The suffix of a download in progress, beside its final name. */
export const PARTIAL_SUFFIX = '.ferrypart';

export function partialPathFor(target: string): string {
  return target + PARTIAL_SUFFIX;
}

export interface OpenedPartial {
  handle: FileHandle;
  /** Bytes already in the partial file: where the download resumes. */
  offset: number;
}

/**
 * Opens the partial file a download writes into. With `resume`, an
 * existing regular partial is continued at its end; otherwise any old
 * partial is replaced. Never follows a symlink planted at that name
 * (O_NOFOLLOW), and creates with O_EXCL so two downloads cannot share it.
 */
export async function openPartial(path: string, resume: boolean): Promise<OpenedPartial> {
  const existing = await lstat(path).catch(() => null);
  if (existing && !existing.isFile()) {
    throw new FerryError('LOCAL_IO', `Cannot download to "${path}": something other than a partial download is there`);
  }
  // Windows has no O_NOFOLLOW; there the exclusive create still guards the name.
  const nofollow = (constants as Partial<typeof constants>).O_NOFOLLOW ?? 0;
  try {
    if (existing && resume) {
      const handle = await open(path, constants.O_WRONLY | nofollow);
      return { handle, offset: (await handle.stat()).size };
    }
    if (existing) {
      // Start over: truncating in place keeps the exclusive-create guarantee
      // for the case that matters (no file there yet) without a delete race.
      const handle = await open(path, constants.O_WRONLY | constants.O_TRUNC | nofollow);
      return { handle, offset: 0 };
    }
    const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | nofollow, 0o644);
    return { handle, offset: 0 };
  } catch (error) {
    throw fromNodeError(error, 'open the partial download', path);
  }
}
