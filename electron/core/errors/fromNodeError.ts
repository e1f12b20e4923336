import { FerryError, type FerryErrorCode } from '../../../shared/errors.js';

const CODE_BY_ERRNO: Record<string, FerryErrorCode> = {
  ENOENT: 'NOT_FOUND',
  ENOTDIR: 'NOT_FOUND',
  EACCES: 'PERMISSION_DENIED',
  EPERM: 'PERMISSION_DENIED',
  EROFS: 'PERMISSION_DENIED',
  EEXIST: 'ALREADY_EXISTS',
  ENOTEMPTY: 'ALREADY_EXISTS',
  ENAMETOOLONG: 'INVALID_INPUT',
  EINVAL: 'INVALID_INPUT',
  ELOOP: 'LOCAL_IO',
  ENOSPC: 'LOCAL_IO',
  EDQUOT: 'LOCAL_IO',
  EIO: 'LOCAL_IO',
  EISDIR: 'LOCAL_IO',
  EBUSY: 'LOCAL_IO',
  EMFILE: 'LOCAL_IO',
};

const REASON_BY_ERRNO: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'is not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EEXIST: 'already exists',
  ENOTEMPTY: 'the folder is not empty',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EISDIR: 'is a folder',
  EBUSY: 'is busy',
  EMFILE: 'too many open files',
};

/** The `code` a Node error carries (`ENOENT`, …), or undefined. */
export function errnoOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/** A table lookup that ignores inherited keys, so a code like "toString" is just unknown. */
function lookup<T>(table: Record<string, T>, errno: string | undefined): T | undefined {
  return errno !== undefined && Object.hasOwn(table, errno) ? table[errno] : undefined;
}

/**
 * Turns an error from `node:fs` into a FerryError whose message names the
 * path and says what went wrong in words, e.g.
 * `Cannot list "/root": permission denied`.
 */
export function fromNodeError(error: unknown, action: string, path: string): FerryError {
  if (error instanceof FerryError) return error;
  const errno = errnoOf(error);
  const code = lookup(CODE_BY_ERRNO, errno) ?? 'LOCAL_IO';
  const reason = lookup(REASON_BY_ERRNO, errno) ?? (error instanceof Error ? error.message : String(error));
  return new FerryError(code, `Cannot ${action} "${path}": ${reason}`, { cause: error });
}
