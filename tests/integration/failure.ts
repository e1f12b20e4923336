import { expect } from 'vitest';
import { FerryError } from '../../shared/errors.js';

/** The FerryError a call must fail with; fails the test if it succeeds or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<FerryError> {
  const error: unknown = await promise.then(
    () => new Error('expected a failure'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FerryError);
  return error as FerryError;
}
