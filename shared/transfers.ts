import { z } from 'zod';
import { ferryErrorShapeSchema } from './errorShapeSchema.js';
import { parseExpectedHash } from './expectedHash.js';
import { isAbsolutePath } from './names.js';

/**
 * The transfer queue's vocabulary, shared by the main side (which runs the
 * queue and saves it) and the renderer (which shows it).
 */
export const directionSchema = z.enum(['download', 'upload']);
export type Direction = z.infer<typeof directionSchema>;

/**
 * queued → running → done | skipped | failed, with paused and canceled on
 * the side. A retryable failure goes back to queued (after a delay) until
 * its attempts run out.
 */
export const jobStateSchema = z.enum(['queued', 'running', 'paused', 'done', 'skipped', 'failed', 'canceled']);
export type JobState = z.infer<typeof jobStateSchema>;

const factsSchema = z.object({ size: z.number(), modified: z.number().nullable() });

/** One entry of the transfer queue: a file, or a folder that expands into more jobs when it runs. */
export const transferJobSchema = z.object({
  id: z.string(),
  /** The site (connection) the remote side belongs to. */
  site: z.string(),
  direction: directionSchema,
  kind: z.enum(['file', 'folder']),
  remotePath: z.string(),
  localPath: z.string(),
  /** Total bytes when known. */
  size: z.number().nullable(),
  /** Bytes of the file at the destination so far (a resumed prefix included). */
  transferred: z.number(),
  state: jobStateSchema,
  /** Failed attempts so far. */
  attempts: z.number().int(),
  /** Not to be started before this time (ms since the epoch): the retry backoff. */
  notBefore: z.number().optional(),
  /** The last failure; kept on the failed list. */
  error: ferryErrorShapeSchema.optional(),
  /** How the finished file was checked: a hash algorithm, 'size' or 'none'. */
  verified: z.string().optional(),
  /** A hash the user expects, `sha256:HEX`. */
  expectedHash: z.string().optional(),
  /** The source's time and size when the job first started, to tell whether a partial still fits. */
  sourceModified: z.number().nullable().optional(),
  sourceSize: z.number().nullable().optional(),
  /** Set once bytes may have been written, so a restart resumes instead of starting over. */
  started: z.boolean().optional(),
  /** The folder job that produced this one. */
  parent: z.string().optional(),
  /**
   * What the folder listing said about the source and the destination
   * (null: absent), so a fresh job needs no extra round trips. Ignored on
   * retries, when things may have changed.
   */
  listedSource: factsSchema.optional(),
  listedDestination: factsSchema.nullable().optional(),
  added: z.number(),
  finished: z.number().optional(),
});
export type TransferJob = z.infer<typeof transferJobSchema>;

/** What a caller adds to the queue; the queue fills in the rest. */
export const newTransferSchema = z.object({
  site: z.string().min(1).max(2048),
  direction: directionSchema,
  kind: z.enum(['file', 'folder']),
  remotePath: z
    .string()
    .min(1)
    .max(4096)
    .refine((p) => !/[\0\r\n]/.test(p), 'path contains NUL, CR or LF'),
  localPath: z
    .string()
    .min(1)
    .max(4096)
    .refine((p) => !p.includes('\0') && isAbsolutePath(p), 'must be an absolute local path'),
  size: z.number().nonnegative().nullable().optional(),
  expectedHash: z
    .string()
    .max(200)
    .superRefine((text, ctx) => {
      try {
        parseExpectedHash(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    })
    .optional(),
  /** Continue a partial left by an earlier run. */
  resume: z.boolean().optional(),
  listedSource: factsSchema.optional(),
  listedDestination: factsSchema.nullable().optional(),
});
export type NewTransfer = z.infer<typeof newTransferSchema>;

/** The queue at a glance, for the totals line: counts, bytes, recent speed and time left. */
export const queueTotalsSchema = z.object({
  /** Jobs waiting or running. */
  active: z.number().int(),
  running: z.number().int(),
  failed: z.number().int(),
  succeeded: z.number().int(),
  /** Bytes at the destination of active jobs, and their total where known. */
  bytesDone: z.number(),
  bytesTotal: z.number(),
  /** Recent speed in bytes per second. */
  speed: z.number(),
  /** Seconds left at that speed, or null when unknown. */
  eta: z.number().nullable(),
});
export type QueueTotals = z.infer<typeof queueTotalsSchema>;

/** The speed limit of all transfers together, per direction, in bytes per second; 0 is no limit. */
export const speedLimitSchema = z.object({
  download: z.number().int().min(0),
  upload: z.number().int().min(0),
});
export type SpeedLimit = z.infer<typeof speedLimitSchema>;

export const NO_SPEED_LIMIT: SpeedLimit = { download: 0, upload: 0 };
