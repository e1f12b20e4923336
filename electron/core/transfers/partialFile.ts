import { createHash } from 'node:crypto';
import { constants, ftruncate } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { FerryError } from '../../../shared/errors.js';
import { errnoOf, fromNodeError } from '../errors/fromNodeError.js';
import { close as closeFd, fstat as fstatFd, lstat, open as openFd, unlink } from '../local/quickFs.js';

/** The suffix of a download in progress, beside its final name. */
export const PARTIAL_SUFFIX = '.ferrypart';

/**
 * A name like Ferry's own unfinished transfers (`x.ferrypart`: a
 * download's partial, or an atomic upload's before its rename). Copying
 * one would race with the transfer of `x`, whose partial has that very
 * name, and it is a leftover, not a file anyone meant to copy.
 */
export function isPartialName(name: string): boolean {
  return name.endsWith(PARTIAL_SUFFIX);
}

/** The longest name most file systems take, in bytes (NTFS counts UTF-16 units, never more than bytes). */
const LONGEST_NAME_BYTES = 255;

/** The longest start of `name` that fits in `bytes` of UTF-8, cut between characters. */
function startWithinBytes(name: string, bytes: number): string {
  let used = 0;
  let end = 0;
  for (const character of name) {
    used += Buffer.byteLength(character);
    if (used > bytes) break;
    end += character.length;
  }
  return name.slice(0, end);
}

/**
 * Where a transfer to `target` writes until it is complete: beside it, as
 * `NAME.ferrypart`. A name too long for that (a file named close to the
 * 255-byte limit, e.g. 85 CJK characters) is cut and tagged with a hash of
 * the whole name, so its partial still fits and is found again on resume.
 */
export function partialPathFor(target: string): string {
  const start = Math.max(target.lastIndexOf('/'), target.lastIndexOf('\\')) + 1;
  const name = target.slice(start);
  if (Buffer.byteLength(name) + PARTIAL_SUFFIX.length <= LONGEST_NAME_BYTES) return target + PARTIAL_SUFFIX;
  const tag = `~${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
  const room = LONGEST_NAME_BYTES - tag.length - PARTIAL_SUFFIX.length;
  return target.slice(0, start) + startWithinBytes(name, room) + tag + PARTIAL_SUFFIX;
}

export interface OpenedPartial {
  /**
   * A plain descriptor rather than a FileHandle: the write stream that gets
   * it closes it, and a FileHandle would add its own close events (and an
   * error object per file) on top of the stream's.
   */
  fd: number;
  /** Bytes already in the partial file: where the download resumes. */
  offset: number;
}

const truncateFd = promisify(ftruncate);

/** Empties a partial that belongs to an older version of the file; closes it when that fails. */
export async function emptyPartial(fd: number): Promise<void> {
  try {
    await truncateFd(fd, 0);
  } catch (error) {
    await closeFd(fd).catch(() => undefined);
    throw error;
  }
}

/** Creates the partial exclusively, where nothing has its name; null when something does. */
async function createPartial(path: string, nofollow: number): Promise<OpenedPartial | null> {
  try {
    const fd = await openFd(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | nofollow, 0o644);
    return { fd, offset: 0 };
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT') {
      throw new FerryError('NOT_FOUND', `Cannot download into "${dirname(path)}": the folder does not exist`);
    }
    if (code === 'EEXIST') return null;
    throw fromNodeError(error, 'open the partial download', path);
  }
}

/**
 * Opens an existing partial: at its end with `resume`, emptied otherwise.
 * Null when the file has other names besides this one (a link count above
 * one): a move into place cut short between link() and unlink() leaves
 * the partial as a second name of the finished file, and writing into it,
 * truncating or appending, would change the file under its final name.
 */
async function openExisting(path: string, resume: boolean, nofollow: number): Promise<OpenedPartial | null> {
  // Opened without O_TRUNC, so nothing changes before the link count is known.
  const fd = await openFd(path, constants.O_WRONLY | nofollow);
  const info = await fstatFd(fd).catch(async (error: unknown) => {
    await closeFd(fd).catch(() => undefined);
    throw error;
  });
  if (info.nlink > 1) {
    await closeFd(fd);
    return null;
  }
  if (resume) return { fd, offset: info.size };
  // Start over: emptying in place avoids a window where the name is free.
  await emptyPartial(fd);
  return { fd, offset: 0 };
}

/**
 * Gives the partial a file of its own in place of one it shares with
 * another name: removing this name leaves the other, and its data, as it
 * was.
 */
async function replaceShared(path: string, nofollow: number): Promise<OpenedPartial> {
  await unlink(path).catch((error: unknown) => {
    if (errnoOf(error) !== 'ENOENT') throw error;
  });
  const fresh = await createPartial(path, nofollow);
  if (fresh) return fresh;
  throw new FerryError('LOCAL_IO', `Cannot download to "${path}": another program made a file of that name meanwhile`);
}

/**
 * Opens the partial file a download writes into. With `resume`, an
 * existing regular partial is continued at its end; otherwise any old
 * partial is replaced. Never follows a symlink planted at that name
 * (O_NOFOLLOW), and creates with O_EXCL so two downloads cannot share it.
 * A partial that shares its file with another name is never written: its
 * name is removed and a new file made (even to resume, as its bytes are
 * another file's, not a download's to continue).
 */
export async function openPartial(path: string, resume: boolean): Promise<OpenedPartial> {
  // Windows has no O_NOFOLLOW; there the exclusive create still guards the name.
  const nofollow = (constants as Partial<typeof constants>).O_NOFOLLOW ?? 0;
  // The common case first: nothing there yet. Creating exclusively also
  // refuses a symlink planted at the name, dangling or not.
  const created = await createPartial(path, nofollow);
  if (created) return created;
  const existing = await lstat(path).catch(() => null);
  if (!existing?.isFile()) {
    throw new FerryError('LOCAL_IO', `Cannot download to "${path}": something other than a partial download is there`);
  }
  try {
    return (await openExisting(path, resume, nofollow)) ?? (await replaceShared(path, nofollow));
  } catch (error) {
    throw fromNodeError(error, 'open the partial download', path);
  }
}
