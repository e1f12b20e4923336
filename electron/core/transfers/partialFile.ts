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
  // Windows has no O_NOFOLLOW; there the exclusive create still guards the name.
  const nofollow = (constants as Partial<typeof constants>).O_NOFOLLOW ?? 0;
  // The common case first: nothing there yet. Creating exclusively also
  // refuses a symlink planted at the name, dangling or not.
  try {
    const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | nofollow, 0o644);
    return { handle, offset: 0 };
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) {
      throw fromNodeError(error, 'open the partial download', path);
    }
  }
  const existing = await lstat(path).catch(() => null);
  if (!existing?.isFile()) {
    throw new FerryError('LOCAL_IO', `Cannot download to "${path}": something other than a partial download is there`);
  }
  try {
    if (resume) {
      const handle = await open(path, constants.O_WRONLY | nofollow);
      return { handle, offset: (await handle.stat()).size };
    }
    // Start over: truncating in place avoids a window where the name is free.
    const handle = await open(path, constants.O_WRONLY | constants.O_TRUNC | nofollow);
    return { handle, offset: 0 };
  } catch (error) {
    throw fromNodeError(error, 'open the partial download', path);
  }
}
