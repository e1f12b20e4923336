import { Transform } from 'node:stream';
import { FerryError } from '../../../shared/errors.js';

/** A pass-through stream that reports how many bytes went by in each chunk. */
export function countBytes(onChunk: (bytes: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onChunk(chunk.length);
      callback(null, chunk);
    },
  });
}

/** The error every engine rejects with when its AbortSignal fires. */
export function canceledError(): FerryError {
  return new FerryError('CANCELED', 'The operation was canceled');
}

/** Turns a failure caused by `signal` aborting into CANCELED; leaves others alone. */
export function rethrowIfAborted(error: unknown, signal: AbortSignal | undefined): void {
  if (error instanceof FerryError) throw error;
  if (signal?.aborted) throw canceledError();
}

/** Throws CANCELED right away when the signal has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw canceledError();
}

/** `promise`, or CANCELED as soon as `signal` fires (the promise is then left to settle unheard). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(canceledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(canceledError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Waits for something being opened (a channel, say) until `timeoutMs` or a
 * cancel, whichever comes first; `timedOut` makes the error for the first.
 * What opens after the caller gave up is handed to `discard`, so it does
 * not stay open unused.
 */
export async function openWithinDeadline<T>(
  opening: Promise<T>,
  timeoutMs: number,
  timedOut: () => FerryError,
  signal: AbortSignal | undefined,
  discard: (late: T) => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), timeoutMs);
  });
  try {
    return await untilAborted(Promise.race([opening, deadline]), signal);
  } catch (error) {
    opening.then(discard, () => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
