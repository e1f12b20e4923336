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

  constructor(
    readonly path: string,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** The saved jobs, or none when there is no file yet. A damaged file is set aside, not trusted. */
  async load(): Promise<TransferJob[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return [];
    }
    try {
      return fileSchema.parse(JSON.parse(text)).jobs;
    } catch {
      await rename(this.path, `${this.path}.damaged-${Date.now()}`).catch(() => {});
      return [];
    }
  }

  /** Saves a snapshot; saves are serialised so an older snapshot never lands after a newer one. */
  save(jobs: readonly TransferJob[]): Promise<void> {
    const text = JSON.stringify({ version: 1, jobs });
    this.writing = this.writing.then(() => writeAtomically(this.path, text)).catch(this.onError);
    return this.writing;
  }
}
