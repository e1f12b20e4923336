import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { NO_SPEED_LIMIT, speedLimitSchema, type SpeedLimit } from '../../../shared/transfers.js';
import { writeAtomically } from '../local/writeAtomically.js';

const fileSchema = z.object({ version: z.literal(1), speedLimit: speedLimitSchema });

/**
 * The speed limit the user set in the window (`speed-limit.json` in Ferry's
 * data folder), so it holds after a restart as FileZilla's does. A file
 * that is missing, unreadable or damaged means no limit: a limit is a
 * preference, and nothing is lost by starting without one.
 */
export class SpeedLimitStore {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  async load(): Promise<SpeedLimit> {
    try {
      return fileSchema.parse(JSON.parse(await readFile(this.path, 'utf8'))).speedLimit;
    } catch {
      return NO_SPEED_LIMIT;
    }
  }

  /** Saves the limit; saves are serialised, so an older one never lands after a newer one. */
  save(limit: SpeedLimit): Promise<void> {
    const text = JSON.stringify({ version: 1, speedLimit: limit });
    this.writing = this.writing.catch(() => undefined).then(() => writeAtomically(this.path, text));
    return this.writing;
  }
}
