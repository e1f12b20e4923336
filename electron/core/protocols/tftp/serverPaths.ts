import { randomBytes } from 'node:crypto';
import { lstat, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FerryError } from '../../../../shared/errors.js';
import { errnoOf } from '../../errors/fromNodeError.js';
import { isInside } from '../../local/isInside.js';

function denied(name: string, why: string): FerryError {
  return new FerryError('PERMISSION_DENIED', `Access to "${name}" is not allowed: ${why}`);
}

/** Ends the hidden name an upload is written under until it is complete. */
const UPLOAD_IN_PROGRESS_SUFFIX = '.ferry-upload';

/** Longest name (in bytes) the hidden name still includes; most file systems allow 255 bytes in all. */
const LONGEST_NAME_KEPT = 200;

/**
 * The hidden name, beside `name` in `folder`, an upload is written under
 * until it is complete. It includes the name, so an administrator sees
 * what it is, unless that would make it too long for the file system.
 */
export function uploadInProgressPath(folder: string, name: string): string {
  const unique = randomBytes(6).toString('hex');
  const shown = Buffer.byteLength(name) <= LONGEST_NAME_KEPT ? `${name}.` : '';
  return join(folder, `.${shown}${unique}${UPLOAD_IN_PROGRESS_SUFFIX}`);
}

/**
 * The segments of a requested name, relative to the served folder. Refuses
 * (PERMISSION_DENIED, which becomes ERROR 2) absolute paths, drive letters,
 * `..` anywhere, control characters, and hidden names (a leading `.`, in
 * any segment): TFTP has no login, and a folder served by mistake, such as
 * the home folder the local pane starts in, must not hand out `.ssh/id_*`
 * or take a new `.ssh/authorized_keys`. That covers the hidden names of
 * uploads still in progress too (no client reads half a file or writes
 * into another's upload). Both `/` and `\` separate, since clients on
 * Windows send either.
 */
export function requestSegments(name: string): string[] {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw denied(name, 'the name contains a control character');
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) {
    throw denied(name, 'absolute paths are not served; ask for a name inside the served folder');
  }
  const segments = name.split(/[/\\]+/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.some((segment) => segment === '..')) throw denied(name, '".." leads out of the served folder');
  if (segments.length === 0) throw denied(name, 'it names the served folder itself');
  if (segments.some((segment) => segment.startsWith('.'))) {
    throw denied(name, 'hidden files and folders (names starting with ".") are not served');
  }
  return segments;
}

/**
 * The real path of a file a client may read: inside `root` (a real path)
 * after every symlink is resolved, and a regular file. NOT_FOUND when it
 * does not exist, PERMISSION_DENIED when it leads out of the root.
 */
export async function resolveReadPath(root: string, name: string): Promise<string> {
  const candidate = join(root, ...requestSegments(name));
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') throw new FerryError('NOT_FOUND', `"${name}" does not exist`);
    if (errno === 'ELOOP') throw denied(name, 'too many symbolic links');
    throw denied(name, errno ?? 'it cannot be resolved');
  }
  if (!isInside(root, real)) throw denied(name, 'it leads out of the served folder');
  const info = await lstat(real);
  if (!info.isFile()) throw new FerryError('NOT_FOUND', `"${name}" is not a file`);
  return real;
}

/** Where an upload goes, as checked before it starts. */
export interface WriteTarget {
  /** Where the finished file goes (its folder is a real path inside the root). */
  path: string;
  /** The real folder it goes into. */
  folder: string;
  name: string;
  /** Something is already there (a file, or a symlink to a file inside the root). */
  exists: boolean;
}

/**
 * Where a client may write: the folder must exist and really lie inside
 * `root`; what is at the name now, if anything, must be a file (or a
 * symlink to a file) inside the root. The upload will replace the name
 * itself, never write through a link.
 */
export async function resolveWriteTarget(root: string, name: string): Promise<WriteTarget> {
  const segments = requestSegments(name);
  const candidate = join(root, ...segments);
  let folder: string;
  try {
    folder = await realpath(dirname(candidate));
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') {
      throw new FerryError('NOT_FOUND', `The folder for "${name}" does not exist`);
    }
    throw denied(name, errno ?? 'its folder cannot be resolved');
  }
  if (!isInside(root, folder)) throw denied(name, 'it leads out of the served folder');
  const fileName = basename(candidate);
  const path = join(folder, fileName);
  const existing = await lstat(path).catch(() => null);
  if (!existing) return { path, folder, name: fileName, exists: false };
  if (existing.isSymbolicLink()) {
    const real = await realpath(path).catch(() => null);
    if (real === null || !isInside(root, real))
      throw denied(name, 'a symbolic link there leads out of the served folder');
    const target = await lstat(real);
    if (!target.isFile()) throw denied(name, 'it is not a file');
  } else if (!existing.isFile()) {
    throw denied(name, 'it is not a file');
  }
  return { path, folder, name: fileName, exists: true };
}

/**
 * Confirms, right after opening, that `handle` has open the file `path`
 * names now and that it lies inside `root`. The checks above work on
 * paths, and O_NOFOLLOW guards only the last name: a folder on the way
 * swapped for a symlink between the check and the open would lead the
 * open out of the root. Whatever was swapped, the open file is then not
 * the one the path names inside the root (another file, or the path leads
 * out), and the request is refused.
 */
export async function confirmOpenedInside(root: string, path: string, handle: FileHandle, name: string): Promise<void> {
  const opened = await handle.stat();
  const real = await realpath(path).catch(() => null);
  if (real === null || !isInside(root, real)) throw denied(name, 'it leads out of the served folder');
  const named = await stat(real).catch(() => null);
  if (named?.dev !== opened.dev || named.ino !== opened.ino) {
    throw denied(name, 'the path changed while it was being opened');
  }
}

/** Confirms that `folder` (a real path checked before) is still that real path: nothing on the way became a link. */
export async function confirmFolderUnchanged(folder: string, name: string): Promise<void> {
  const real = await realpath(folder).catch(() => null);
  if (real !== folder) throw denied(name, 'its folder changed during the upload');
}
