import { readFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { transferJobSchema } from '../../../shared/transfers.js';
import { writeAtomically } from '../local/writeAtomically.js';
import type { TransferJob } from './job.js';

const fileSchema = z.object({ version: z.literal(1), jobs: z.array(transferJobSchema) });

/**
 * The queue on disk (`queue.json` in Ferry's data folder), replaced
 * atomically on each save, so a crash mid-save leaves the previous queue.
 */
export class QueueStore {
  private writing: Promise<void> = Promise.resolve();
  /** Why saving is off (a queue file that could be neither read nor set aside), or null. */
  private keptFrom: Error | null = null;

  constructor(
    readonly path: string,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /**
   * The saved jobs, or none when there is no file yet. A damaged file is
   * set aside, not trusted; so is one that cannot be read (permissions, a
   * disk error), which must not be replaced by the empty queue saved next.
   * If it cannot even be set aside, saving stays off for this run.
   */
  async load(): Promise<TransferJob[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.onError(error);
      await this.setAside('unreadable');
      return [];
    }
    try {
      return fileSchema.parse(JSON.parse(text)).jobs;
    } catch {
      await this.setAside('damaged');
      return [];
    }
  }

  /** Saves a snapshot; saves are serialised so an older snapshot never lands after a newer one. */
  save(jobs: readonly TransferJob[]): Promise<void> {
    if (this.keptFrom !== null) {
      this.onError(this.keptFrom);
      return this.writing;
    }
    const text = JSON.stringify({ version: 1, jobs });
    this.writing = this.writing.then(() => writeAtomically(this.path, text)).catch(this.onError);
    return this.writing;
  }

  private async setAside(why: 'damaged' | 'unreadable'): Promise<void> {
    try {
      await rename(this.path, `${this.path}.${why}-${Date.now()}`);
    } catch (error) {
      this.keptFrom = new Error(
        `The saved queue ${this.path} could be neither read nor set aside, so it is left as it is and ` +
          `this run's queue is not saved: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
