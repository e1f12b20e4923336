import type { z } from 'zod';
import type { ferryErrorShapeSchema } from './errorShapeSchema.js';

/**
 * The closed set of error codes that may cross the IPC boundary. Electron
 * passes only the message of a thrown error, so every failure is turned into
 * a plain object carrying one of these codes before it leaves the main side.
 */
export const ERROR_CODES = [
  'AUTH_FAILED',
  'NOT_FOUND',
  'PERMISSION_DENIED',
  'ALREADY_EXISTS',
  'CONNECTION_LOST',
  'TIMEOUT',
  'CANCELED',
  'HOSTKEY_UNKNOWN',
  'HOSTKEY_MISMATCH',
  'TLS_UNTRUSTED',
  'TLS_REQUIRED',
  'PROTOCOL',
  'LOCAL_IO',
  'UNSAFE_NAME',
  'VERIFY_FAILED',
  'UNSUPPORTED',
  'INVALID_INPUT',
] as const;

export type FerryErrorCode = (typeof ERROR_CODES)[number];

/** The serialisable shape of an error, as it travels over IPC (checked by {@link ferryErrorShapeSchema}). */
export type FerryErrorShape = z.infer<typeof ferryErrorShapeSchema>;
export type FerryErrorDetails = NonNullable<FerryErrorShape['details']>;

export interface FerryErrorOptions {
  retryable?: boolean;
  replyCode?: number;
  details?: FerryErrorDetails;
  cause?: unknown;
}

/** Codes that a retry may cure without the user changing anything. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<FerryErrorCode> = new Set(['CONNECTION_LOST', 'TIMEOUT']);

/**
 * The one error type Ferry throws on purpose. Engines and services throw it;
 * the IPC layer turns it into a {@link FerryErrorShape}; the renderer client
 * turns that back into a FerryError so `catch` sites can switch on `code`.
 */
export class FerryError extends Error {
  readonly code: FerryErrorCode;
  readonly retryable: boolean;
  readonly replyCode: number | undefined;
  readonly details: FerryErrorDetails | undefined;

  constructor(code: FerryErrorCode, message: string, options: FerryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FerryError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.replyCode = options.replyCode;
    this.details = options.details;
  }

  toShape(): FerryErrorShape {
    const shape: FerryErrorShape = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.replyCode !== undefined) shape.replyCode = this.replyCode;
    if (this.details !== undefined) shape.details = { ...this.details };
    return shape;
  }

  static fromShape(shape: FerryErrorShape): FerryError {
    const options: FerryErrorOptions = { retryable: shape.retryable };
    if (shape.replyCode !== undefined) options.replyCode = shape.replyCode;
    if (shape.details !== undefined) options.details = shape.details;
    return new FerryError(shape.code, shape.message, options);
  }
}

/**
 * The shape of any failure, for a list or a message: a FerryError's own,
 * anything else reported as LOCAL_IO with its message (Ferry did not
 * foresee it, so it does not guess a cause).
 */
export function errorShapeOf(error: unknown): FerryErrorShape {
  if (error instanceof FerryError) return error.toShape();
  return { code: 'LOCAL_IO', message: error instanceof Error ? error.message : String(error), retryable: false };
}

export function isFerryError(value: unknown): value is FerryError {
  return value instanceof FerryError;
}
