import {
  close as closeCallback,
  closeSync,
  constants,
  fstat as fstatCallback,
  fstatSync,
  linkSync,
  lstatSync,
  open as openCallback,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  type Stats,
} from 'node:fs';
import {
  link as linkPooled,
  lstat as lstatPooled,
  open as openHandle,
  rename as renamePooled,
  stat as statPooled,
  unlink as unlinkPooled,
  utimes as utimesPooled,
} from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

/** How a call's outcome is reported, as Node's callbacks do. */
export type Done<T> = (error: NodeJS.ErrnoException | null, result?: T) => void;

/** A call slower than this (a disk that falls behind, a network file system) would hold up everything else this thread does. */
const SLOW_CALL_MS = 20;
/** How long calls stay on the thread pool after a slow one, before this thread tries again. */
const POOLED_FOR_MS = 30_000;

/**
 * Decides where local file-system calls run: on the calling thread while
 * they are quick, and on Node's thread pool for a while after one was slow.
 *
 * On a local disk, opening, closing, renaming or timestamping a file takes
 * a few microseconds, less than handing the call to the thread pool and
 * back: a futex wake each way and, on a busy machine, two context switches.
 * Downloading 2000 small files made about 40,000 futex calls that way. A
 * slow call here, though, stalls every transfer and the IPC with the window,
 * hence the way back to the pool.
 */
export class LocalCallGate {
  private pooledUntil = -Infinity;

  /** Whether calls run on this thread now. */
  get inline(): boolean {
    return performance.now() >= this.pooledUntil;
  }

  /**
   * Runs one call here (`here`), or on the thread pool (`pooled`) while
   * calls here are slow, timing it either way; `done` gets the outcome.
   * Never throws: a failure here goes to `done` like one on the pool.
   */
  run<T>(here: () => T, pooled: (done: Done<T>) => void, done: Done<T>): void {
    if (!this.inline) {
      const began = performance.now();
      pooled((error, result) => {
        this.took(began);
        done(error, result);
      });
      return;
    }
    let result: T;
    try {
      result = this.time(here);
    } catch (error) {
      done(error as NodeJS.ErrnoException);
      return;
    }
    done(null, result);
  }

  /** Runs `call` here and notes whether it was slow. */
  time<T>(call: () => T): T {
    const began = performance.now();
    try {
      return call();
    } finally {
      this.took(began);
    }
  }

  /**
   * Notes how long a call that began at `began` took, wherever it ran: a
   * slow one keeps calls on the pool for the next while, so a disk that
   * stays slow never gets them back on this thread.
   */
  took(began: number): void {
    const ended = performance.now();
    if (ended - began > SLOW_CALL_MS) this.pooledUntil = ended + POOLED_FOR_MS;
  }
}

/** The gate every transfer shares: a slow disk is slow for all of them. */
export const localCalls = new LocalCallGate();

/** A call through the shared gate, as a promise. */
function quick<T>(here: () => T, pooled: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    localCalls.run(
      here,
      (done) => {
        pooled().then(
          (result) => done(null, result),
          (error: unknown) => done(error as NodeJS.ErrnoException),
        );
      },
      (error, result) => (error ? reject(error) : resolve(result as T)),
    );
  });
}

const openOnPool = promisify(openCallback);
const closeOnPool = promisify(closeCallback);
const fstatOnPool = promisify(fstatCallback);

// The calls a transfer makes once per file, with the errors Node's own
// calls give (code, syscall, path), so callers treat them alike.

/**
 * Creating or truncating a file always goes to the thread pool: allocating
 * an inode can take a millisecond (ext4 without a journal passes over
 * every recently deleted inode), as long as this thread's whole share of a
 * small file's transfer, and freeing a large file's blocks far longer; on
 * the pool, that work overlaps everything else.
 */
export function open(path: string, flags: number, mode?: number): Promise<number> {
  if ((flags & (constants.O_CREAT | constants.O_TRUNC)) !== 0) return openOnPool(path, flags, mode);
  return quick(
    () => openSync(path, flags, mode),
    () => openOnPool(path, flags, mode),
  );
}

export function close(fd: number): Promise<void> {
  return quick(
    () => closeSync(fd),
    () => closeOnPool(fd),
  );
}

export function fstat(fd: number): Promise<Stats> {
  return quick(
    () => fstatSync(fd),
    () => fstatOnPool(fd),
  );
}

export function stat(path: string): Promise<Stats> {
  return quick(
    () => statSync(path),
    () => statPooled(path),
  );
}

export function lstat(path: string): Promise<Stats> {
  return quick(
    () => lstatSync(path),
    () => lstatPooled(path),
  );
}

export function utimes(path: string, accessed: Date, modified: Date): Promise<void> {
  return quick(
    () => utimesSync(path, accessed, modified),
    () => utimesPooled(path, accessed, modified),
  );
}

export function rename(from: string, to: string): Promise<void> {
  return quick(
    () => renameSync(from, to),
    () => renamePooled(from, to),
  );
}

export function link(existing: string, created: string): Promise<void> {
  return quick(
    () => linkSync(existing, created),
    () => linkPooled(existing, created),
  );
}

export function unlink(path: string): Promise<void> {
  return quick(
    () => unlinkSync(path),
    () => unlinkPooled(path),
  );
}

/**
 * Reads `length` bytes of a file from `offset` (fewer if the file ends
 * first): open, read and close in one go, for files small enough to hold.
 */
export function readRange(path: string, offset: number, length: number): Promise<Buffer> {
  return quick(
    () => {
      const fd = openSync(path, constants.O_RDONLY);
      try {
        const data = Buffer.allocUnsafe(length);
        let filled = 0;
        while (filled < length) {
          const got = readSync(fd, data, filled, length - filled, offset + filled);
          if (got === 0) break;
          filled += got;
        }
        return data.subarray(0, filled);
      } finally {
        closeSync(fd);
      }
    },
    async () => {
      const handle = await openHandle(path, 'r');
      try {
        const data = Buffer.allocUnsafe(length);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await handle.read(data, filled, length - filled, offset + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return data.subarray(0, filled);
      } finally {
        await handle.close();
      }
    },
  );
}
