import type { PipelineHooks, PipelineSettings } from '../../../../electron/core/protocols/sftp/transferSettings.js';

/** Small requests, a few in flight, each burst sent as it comes: what the transfer-loop tests drive. */
export const settings: PipelineSettings = {
  requestsInFlight: 4,
  requestSize: 1024,
  requestTimeoutMs: 5000,
  batch: (burst) => burst(),
  refillAtLeast: 1,
};

/** A session that listens to nothing and is never lost. */
export const hooks: PipelineHooks = {
  signal: undefined,
  onProgress: undefined,
  onConcurrencyTrouble: () => undefined,
  onStall: () => undefined,
  isSessionLost: () => false,
};
