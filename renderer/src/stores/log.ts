import { create } from 'zustand';
import type { LogEntry } from '../../../shared/contract';
import { ferry } from '../ipc/ferry';

/** Lines the window keeps; the main side keeps its own, longer history. */
const MAX_LINES = 5000;

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
    const seen = (id: number): boolean => get().entries.some((e) => e.id === id);
    const append = (incoming: LogEntry[]): void => {
      const fresh = incoming.filter((e) => !seen(e.id));
      if (fresh.length === 0) return;
      const entries = [...get().entries, ...fresh].sort((a, b) => a.id - b.id);
      set({ entries: entries.slice(-MAX_LINES) });
    };
    ferry.log.onEntry((entry) => append([entry]));
    ferry.log.history().then(append, (error: unknown) => {
      console.error('Could not load the message log', error);
    });
  },
}));
