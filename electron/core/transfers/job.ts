// The queue's types live in shared/ so the renderer can show jobs; the
// main side uses them from here.
export type { Direction, JobState, NewTransfer, TransferJob } from '../../../shared/transfers.js';
