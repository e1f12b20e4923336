import { describe, it, expect } from 'vitest';
import { FerryError } from '../../../shared/errors.js';
import { fromNodeError } from '../../../electron/core/errors/fromNodeError.js';

/** An error shaped like the ones node:fs throws. */
function errnoError(code: string, message = `${code}: something failed`): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, errno: -1, syscall: 'open' });
}

describe('fromNodeError', () => {
  it.each([
    ['ENOENT', 'NOT_FOUND', 'does not exist'],
    ['ENOTDIR', 'NOT_FOUND', 'is not a folder'],
    ['EACCES', 'PERMISSION_DENIED', 'permission denied'],
    ['EPERM', 'PERMISSION_DENIED', 'operation not permitted'],
    ['EROFS', 'PERMISSION_DENIED', 'the file system is read-only'],
    ['EEXIST', 'ALREADY_EXISTS', 'already exists'],
    ['ENOTEMPTY', 'ALREADY_EXISTS', 'the folder is not empty'],
    ['ENAMETOOLONG', 'INVALID_INPUT', 'the name is too long'],
    ['ELOOP', 'LOCAL_IO', 'too many levels of symbolic links'],
    ['ENOSPC', 'LOCAL_IO', 'no space left on the disk'],
    ['EDQUOT', 'LOCAL_IO', 'disk quota exceeded'],
    ['EIO', 'LOCAL_IO', 'input/output error'],
    ['EISDIR', 'LOCAL_IO', 'is a folder'],
    ['EBUSY', 'LOCAL_IO', 'is busy'],
    ['EMFILE', 'LOCAL_IO', 'too many open files'],
  ] as const)('%s → %s "%s"', (errno, code, reason) => {
    const cause = errnoError(errno);
    const error = fromNodeError(cause, 'list', '/data/x');
    expect(error).toBeInstanceOf(FerryError);
    expect(error.code).toBe(code);
    // In words, not the errno name the system message would show.
    expect(error.message).toBe(`Cannot list "/data/x": ${reason}`);
    expect(error.message).not.toContain(errno);
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(false);
  });

  it('names the action and the path', () => {
    expect(fromNodeError(errnoError('EACCES'), 'create folder', '/root/new').message).toBe(
      'Cannot create folder "/root/new": permission denied',
    );
    expect(fromNodeError(errnoError('ENOSPC'), 'rename', '/mnt/full/a').message).toBe(
      'Cannot rename "/mnt/full/a": no space left on the disk',
    );
  });

  it('maps EINVAL to INVALID_INPUT with the system message', () => {
    const error = fromNodeError(errnoError('EINVAL', 'EINVAL: invalid argument, rename'), 'rename', '/a');
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('Cannot rename "/a": EINVAL: invalid argument, rename');
  });

  it('maps an unknown errno to LOCAL_IO and keeps the system message', () => {
    const error = fromNodeError(errnoError('EXDEV', 'EXDEV: cross-device link not permitted'), 'rename', '/a');
    expect(error.code).toBe('LOCAL_IO');
    expect(error.message).toBe('Cannot rename "/a": EXDEV: cross-device link not permitted');
  });

  it('maps an error without a code, or a non-error, to LOCAL_IO', () => {
    expect(fromNodeError(new Error('weird'), 'list', '/a').message).toBe('Cannot list "/a": weird');
    expect(fromNodeError(new Error('weird'), 'list', '/a').code).toBe('LOCAL_IO');
    expect(fromNodeError('a string', 'list', '/a').message).toBe('Cannot list "/a": a string');
    expect(fromNodeError({ code: 42 }, 'list', '/a').code).toBe('LOCAL_IO');
    expect(fromNodeError(null, 'list', '/a').message).toBe('Cannot list "/a": null');
  });

  it('does not trust a code that is merely an inherited property name', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const error = fromNodeError(errnoError(name, 'odd failure'), 'list', '/a');
      expect(error.code).toBe('LOCAL_IO');
      expect(error.message).toBe('Cannot list "/a": odd failure');
    }
  });

  it('returns a FerryError unchanged', () => {
    const original = new FerryError('UNSAFE_NAME', 'no');
    expect(fromNodeError(original, 'list', '/a')).toBe(original);
  });
});
