import { performance } from 'node:perf_hooks';
import type { TransferJob } from './job.js';
import type { QueueStore } from './queueStore.js';

/** The shortest wait between a change and its save: a burst of changes is saved once. */
export const SAVE_DELAY_MS = 200;
/**
 * The most of the queue's thread that saving may take. A save serialises
 * the whole queue on that thread, about 2 µs per job: every 200 ms, a
 * folder of 48,000 files spent 5.8 s of its download saving (146 saves).
 * A save that costs 30 ms is followed by 600 ms without one instead.
 */
const SAVE_SHARE = 0.05;

/** How long to wait before the next save, after one whose work on this thread took `costMs`. */
export function saveDelayAfter(costMs: number): number {
  return Math.max(SAVE_DELAY_MS, costMs / SAVE_SHARE);
}

/**
 * Decides when the queue goes to its store: at once for what the user just
 * asked for, otherwise once per burst of changes, and less often as the
 * queue grows so that saving never holds up the transfers. What a crash
 * loses by the wait is safe anyway: restored jobs count as begun, so they
 * resume their partials and recognise files they had already finished.
 */
export class QueueSaver {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private delayMs = SAVE_DELAY_MS;

  constructor(
    private readonly store: QueueStore | undefined,
    private readonly snapshot: () => TransferJob[],
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The wait before the next scheduled save. */
  get delay(): number {
    return this.delayMs;
  }

  /** Saves at once: what the user just asked for must survive a crash a moment later. */
  saveNow(): void {
    if (!this.store) return;
    this.cancel();
    this.write(this.store);
  }

  /** Saves after the current delay; further changes meanwhile go in the same save. */
  saveSoon(): void {
    const store = this.store;
    if (!store || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.write(store);
    }, this.delayMs);
  }

  /** Drops a pending save and saves a last time, waiting until it is on disk. */
  async saveLast(): Promise<void> {
    this.cancel();
    await this.store?.save(this.snapshot());
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private write(store: QueueStore): void {
    const began = this.now();
    // The file is written on the thread pool; the snapshot and its JSON are made here.
    void store.save(this.snapshot());
    this.delayMs = saveDelayAfter(this.now() - began);
  }
}
