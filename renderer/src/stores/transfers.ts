import { create } from 'zustand';
import type { InvokeArgs, OverwriteQuestionEvent } from '../../../shared/contract';
import type { NewTransfer, QueueTotals, SpeedLimit, TransferJob } from '../../../shared/transfers';
import { errorMessage, ferry } from '../ipc/ferry';

export type OverwriteAnswer = InvokeArgs<'transfers.answer'>[1];

/** What one job's row can ask of it. */
export type JobAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'remove';

/** The lists of finished transfers the window can empty. */
export type FinishedList = 'failed' | 'succeeded';

/**
 * The transfer queue as the window sees it: every job by id (in the order
 * they were added, which is the order they run), the totals line, and the
 * "file exists" questions waiting for the user, oldest first.
 */
export interface TransfersState {
  jobs: ReadonlyMap<string, TransferJob>;
  totals: QueueTotals | null;
  questions: OverwriteQuestionEvent[];
  /** The speed limit of all transfers together, once loaded. */
  speedLimit: SpeedLimit | null;
  /** The last failure of a queue action. */
  error: string | null;
  /** Loads the queue and subscribes to its events; safe to call more than once. */
  start: () => void;
  add: (items: NewTransfer[]) => Promise<void>;
  act: (action: JobAction, id: string) => Promise<void>;
  pauseAll: () => Promise<void>;
  resumeAll: () => Promise<void>;
  cancelAll: () => Promise<void>;
  retryAllFailed: () => Promise<void>;
  /** Moves a waiting job to the head of the queue, to run next. */
  moveToTop: (id: string) => Promise<void>;
  /** Empties the failed or the successful list. */
  clear: (list: FinishedList) => Promise<void>;
  setSpeedLimit: (limit: SpeedLimit) => Promise<void>;
  answer: (question: OverwriteQuestionEvent, answer: OverwriteAnswer) => Promise<void>;
  setError: (message: string | null) => void;
}

let started = false;

/**
 * Finished transfers the window keeps, newest last; older ones drop off (the
 * main side keeps its own, longer list). Without a bound a day of small
 * files grows the list, and every batch of changes walks all of it.
 */
const MAX_FINISHED = 1000;

const isFinished = (job: TransferJob): boolean => job.state === 'done' || job.state === 'skipped';

export const useTransfers = create<TransfersState>()((set, get) => {
  /** Ids of finished jobs in the order they finished, oldest first. */
  const finished = new Set<string>();
  /** Drops the oldest finished jobs beyond the bound. */
  const trim = (jobs: Map<string, TransferJob>): void => {
    for (const id of finished) {
      if (finished.size <= MAX_FINISHED) break;
      finished.delete(id);
      jobs.delete(id);
    }
  };

  const merge = (changed: readonly TransferJob[]): void => {
    if (changed.length === 0) return;
    const jobs = new Map(get().jobs);
    // A canceled job leaves the queue altogether, as in FileZilla; its partial file stays for later.
    for (const job of changed) {
      finished.delete(job.id);
      if (job.state === 'canceled') {
        jobs.delete(job.id);
        continue;
      }
      jobs.set(job.id, job);
      if (isFinished(job)) finished.add(job.id);
    }
    trim(jobs);
    set({ jobs });
  };

  /** Forgets the jobs the main side dropped from its lists (its next totals count them out). */
  const drop = (dropped: (job: TransferJob) => boolean): void => {
    const jobs = new Map(get().jobs);
    for (const [id, job] of jobs) {
      if (!dropped(job)) continue;
      jobs.delete(id);
      finished.delete(id);
    }
    set({ jobs });
  };

  /** Runs a queue action, showing its failure instead of losing it. */
  const run = async (action: () => Promise<unknown>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  };

  return {
    jobs: new Map(),
    totals: null,
    questions: [],
    speedLimit: null,
    error: null,

    start() {
      if (started) return;
      started = true;
      ferry.transfers.onChanged(merge);
      ferry.transfers.onTotals((totals) => set({ totals }));
      ferry.transfers.onQuestion((question) => set({ questions: [...get().questions, question] }));
      // Questions asked before this window opened (or reloaded) still wait: put them up again.
      ferry.transfers.questions().then(
        (waiting) => {
          const shown = new Set(get().questions.map((question) => question.id));
          set({ questions: [...waiting.filter((question) => !shown.has(question.id)), ...get().questions] });
        },
        (error: unknown) => set({ error: errorMessage(error) }),
      );
      ferry.transfers.speedLimit().then(
        (speedLimit) => set({ speedLimit }),
        (error: unknown) => set({ error: errorMessage(error) }),
      );
      ferry.transfers.list().then(
        (jobs) => {
          // Events may have arrived first; they are newer than the list.
          const fresh = new Map(jobs.map((job) => [job.id, job]));
          for (const [id, job] of get().jobs) fresh.set(id, job);
          finished.clear();
          for (const job of [...fresh.values()]
            .filter(isFinished)
            .sort((a, b) => (a.finished ?? 0) - (b.finished ?? 0)))
            finished.add(job.id);
          trim(fresh);
          set({ jobs: fresh });
        },
        (error: unknown) => set({ error: errorMessage(error) }),
      );
    },

    add: (items) =>
      run(async () => {
        merge(await ferry.transfers.add(items));
      }),

    act: (action, id) =>
      run(async () => {
        await ferry.transfers[action](id);
        // A job taken off the failed list sends no change of its own: it is simply gone.
        if (action === 'remove') drop((job) => job.id === id);
      }),
    pauseAll: () => run(() => ferry.transfers.pauseAll()),
    resumeAll: () => run(() => ferry.transfers.resumeAll()),
    cancelAll: () => run(() => ferry.transfers.cancelAll()),
    retryAllFailed: () => run(() => ferry.transfers.retryAllFailed()),
    moveToTop: (id) =>
      run(async () => {
        await ferry.transfers.move(id, 0);
        // The list shows jobs in queue order, which is the order of the map.
        const moved = get().jobs.get(id);
        if (moved) set({ jobs: new Map([[id, moved], ...[...get().jobs].filter(([other]) => other !== id)]) });
      }),
    clear: (list) =>
      run(async () => {
        await ferry.transfers.clear(list);
        drop(list === 'failed' ? (job) => job.state === 'failed' : isFinished);
      }),

    setSpeedLimit: (limit) =>
      run(async () => {
        await ferry.transfers.setSpeedLimit(limit);
        set({ speedLimit: limit });
      }),

    answer: async (question, reply) => {
      set({ questions: get().questions.filter((q) => q.id !== question.id) });
      await run(() => ferry.transfers.answer(question.id, reply));
    },

    setError(message) {
      set({ error: message });
    },
  };
});
