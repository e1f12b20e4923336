import { z } from 'zod';
import { ERROR_CODES } from './errors.js';

// Kept apart from errors.ts so code that only throws and catches FerryError
// (the engines, the CLI) does not load zod: that costs every `ferry`
// command milliseconds of start-up.

/** The serialisable shape of an error, as it travels over IPC. */
export const ferryErrorShapeSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  retryable: z.boolean(),
  replyCode: z.number().int().optional(),
  /**
   * Facts a person needs to decide, e.g. a certificate's SHA-256 fingerprint
   * and subject for TLS_UNTRUSTED, or the key type and fingerprint for
   * HOSTKEY_UNKNOWN. Plain values only, so it crosses IPC unchanged.
   */
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
