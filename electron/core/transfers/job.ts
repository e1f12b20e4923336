import type { FerryErrorShape } from '../../../shared/errors.js';

export type Direction = 'download' | 'upload';

/**
 * queued → running → done | skipped | failed, with paused and canceled on
 * the side. A retryable failure goes back to queued (after a delay) until
 * its attempts run out.
 */
export type JobState = 'queued' | 'running' | 'paused' | 'done' | 'skipped' | 'failed' | 'canceled';

/** One entry of the transfer queue: a file, or a folder that expands into more jobs when it runs. */
export interface TransferJob {
  id: string;
  /** The site (connection) the remote side belongs to. */
  site: string;
  direction: Direction;
  kind: 'file' | 'folder';
  remotePath: string;
  localPath: string;
  /** Total bytes when known. */
  size: number | null;
  /** Bytes of the file present at the destination so far (a resumed prefix included). */
  transferred: number;
  state: JobState;
  /** Failed attempts so far. */
  attempts: number;
  /** Not to be started before this time (ms since the epoch): the retry backoff. */
  notBefore?: number;
  /** The last failure; kept on the failed list. */
  error?: FerryErrorShape;
  /** How the finished file was checked: a hash algorithm, 'size' or 'none'. */
  verified?: string;
  /** A hash the user expects, `sha256:HEX`. */
  expectedHash?: string;
  /** The source's modification time and size when the job first started, to tell whether a partial still fits. */
  sourceModified?: number | null;
  sourceSize?: number | null;
  /** Set once bytes have been written, so a restart resumes instead of starting over. */
  started?: boolean;
  /** The folder job that produced this one. */
  parent?: string;
  added: number;
  finished?: number;
}

/** What a caller adds to the queue; the queue fills in the rest. */
export interface NewTransfer {
  site: string;
  direction: Direction;
  kind: 'file' | 'folder';
  remotePath: string;
  localPath: string;
  size?: number | null;
  expectedHash?: string;
}

export function isFinished(state: JobState): boolean {
  return state === 'done' || state === 'skipped' || state === 'failed' || state === 'canceled';
}
