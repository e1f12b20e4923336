import type { SendBatcher } from './socketBatching.js';

/** How one transfer paces its requests; fixed when it starts. */
export interface PipelineSettings {
  /** Requests kept in flight (1 for servers that mishandle concurrency). */
  requestsInFlight: number;
  /** Bytes asked for (READ) or sent (WRITE) per request. */
  requestSize: number;
  /** No reply for this long while requests are outstanding: the server is stuck. */
  requestTimeoutMs: number;
  /** Sends a burst of requests together (one socket write). */
  batch: SendBatcher;
  /** Refill only when at least this many request slots are free, so requests leave in bursts. */
  refillAtLeast: number;
}

/** What a transfer loop tells the session, and asks of it. */
export interface PipelineHooks {
  signal: AbortSignal | undefined;
  onProgress: ((bytes: number) => void) | undefined;
  /**
   * The server showed it mishandles concurrent requests (replies out of
   * order, or a bad-handle failure under load): the session should use one
   * request in flight from now on.
   */
  onConcurrencyTrouble: (reason: string) => void;
  /** No reply within the request timeout: the session must be torn down (outstanding requests cannot be taken back). */
  onStall: () => void;
  /** True once the SSH connection is gone. */
  isSessionLost: () => boolean;
}

/** SFTP statuses that, under concurrency, mean "this server cannot take so many at once". */
export const CONCURRENCY_SUSPECT_STATUSES: ReadonlySet<number> = new Set([
  4 /* FAILURE */, 5 /* BAD_MESSAGE */, 9 /* INVALID_HANDLE */,
]);
