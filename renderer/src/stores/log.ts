import { create } from 'zustand';
import type { LogEntry } from '../../../shared/contract';
import { ferry } from '../ipc/ferry';

/**
 * Lines the window keeps; the main side keeps its own, longer history. A
 * transfer of thousands of small files logs several lines per file, and
 * each line the window holds is a DOM node to lay out.
 */
const MAX_LINES = 1000;

/** New lines are shown in batches this often, not one render per line. */
const BATCH_MS = 100;

export interface LogState {
  entries: LogEntry[];
  /** Loads the history and subscribes to new lines; safe to call more than once. */
  start(): void;
}

let started = false;

export const useLog = create<LogState>()((set, get) => ({
  entries: [],
  start() {
    if (started) return;
    started = true;
    let pending: LogEntry[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    /** Adds lines, dropping ones already shown (the history and the live lines overlap), oldest first. */
    const merge = (incoming: readonly LogEntry[]): void => {
      const entries = get().entries;
      const newest = entries.at(-1)?.id ?? 0;
      // Live lines come in id order after what is shown: a cheap append.
      const inOrder = incoming.every((entry, index) => entry.id > (incoming[index - 1]?.id ?? newest));
      const merged = inOrder
        ? [...entries, ...incoming]
        : [...new Map([...entries, ...incoming].map((entry) => [entry.id, entry])).values()].sort(
            (a, b) => a.id - b.id,
          );
      set({ entries: merged.slice(-MAX_LINES) });
    };
    const flush = (): void => {
      timer = null;
      const batch = pending;
      pending = [];
      if (batch.length > 0) merge(batch);
    };
    ferry.log.onEntry((entry) => {
      pending.push(entry);
      timer ??= setTimeout(flush, BATCH_MS);
    });
    ferry.log.history().then(merge, (error: unknown) => {
      console.error('Could not load the message log', error);
    });
  },
}));
