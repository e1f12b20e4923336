import { errorShapeOf, type FerryErrorShape } from '../../../shared/errors.js';

/** How a run of deletions went: every path is done, failed or skipped. */
export interface DeletionOutcome {
  done: number;
  failures: { path: string; error: FerryErrorShape }[];
  skipped: number;
  /** Ctrl-C stopped the deletions before the last. */
  canceled: boolean;
}

/**
 * Deletes `paths` (deepest first) one by one. A failure does not stop the
 * rest: it is collected, and only the folders holding the failed path are
 * skipped (they cannot be empty). Ctrl-C is looked at before each deletion,
 * so nothing more is removed once it was pressed.
 */
export async function deleteEach(
  paths: readonly string[],
  remove: (path: string) => Promise<void>,
  signal: AbortSignal,
  onDeleted: (path: string) => void,
): Promise<DeletionOutcome> {
  const outcome: DeletionOutcome = { done: 0, failures: [], skipped: 0, canceled: false };
  const kept: string[] = [];
  for (const [index, path] of paths.entries()) {
    if (signal.aborted) {
      outcome.canceled = true;
      outcome.skipped += paths.length - index;
      break;
    }
    if (kept.some((inside) => inside.startsWith(`${path}/`))) {
      outcome.skipped += 1;
      kept.push(path);
      continue;
    }
    try {
      await remove(path);
      outcome.done += 1;
      onDeleted(path);
    } catch (error) {
      outcome.failures.push({ path, error: errorShapeOf(error) });
      kept.push(path);
    }
  }
  return outcome;
}
