import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TransferJob } from '../../../../electron/core/transfers/job.js';
import { QueueSaver, SAVE_DELAY_MS, saveDelayAfter } from '../../../../electron/core/transfers/queueSaver.js';
import type { QueueStore } from '../../../../electron/core/transfers/queueStore.js';

/** A store that records what it was given and "takes" `costMs` of the clock per save. */
function fakeStore(clock: { now: number }, costMs: () => number) {
  const saved: string[][] = [];
  const store = {
    save(jobs: readonly TransferJob[]): Promise<void> {
      clock.now += costMs();
      saved.push(jobs.map((job) => job.id));
      return Promise.resolve();
    },
  };
  return { store: store as unknown as QueueStore, saved };
}

const job = (id: string): TransferJob => ({ id }) as TransferJob;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('saveDelayAfter', () => {
  it('waits the usual 200 ms after a cheap save, and twenty times a save that cost more than 10 ms', () => {
    expect(saveDelayAfter(0)).toBe(SAVE_DELAY_MS);
    expect(saveDelayAfter(10)).toBe(SAVE_DELAY_MS);
    expect(saveDelayAfter(30)).toBe(600);
    expect(saveDelayAfter(250)).toBe(5000);
  });
});

describe('QueueSaver', () => {
  it('saves a burst of changes once, after the delay, with the queue as it is then', () => {
    const clock = { now: 0 };
    const { store, saved } = fakeStore(clock, () => 0);
    let jobs = [job('a')];
    const saver = new QueueSaver(
      store,
      () => jobs,
      () => clock.now,
    );
    saver.saveSoon();
    saver.saveSoon();
    jobs = [job('a'), job('b')];
    vi.advanceTimersByTime(SAVE_DELAY_MS - 1);
    expect(saved).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(saved).toEqual([['a', 'b']]);
    saver.saveSoon();
    vi.advanceTimersByTime(SAVE_DELAY_MS);
    expect(saved).toHaveLength(2);
  });

  it('saves a large queue less often: after a save that cost 30 ms the next waits 600 ms', () => {
    const clock = { now: 0 };
    const { store, saved } = fakeStore(clock, () => 30);
    const saver = new QueueSaver(
      store,
      () => [job('a')],
      () => clock.now,
    );
    saver.saveSoon();
    vi.advanceTimersByTime(SAVE_DELAY_MS);
    expect(saved).toHaveLength(1);
    expect(saver.delay).toBe(600);
    saver.saveSoon();
    vi.advanceTimersByTime(599);
    expect(saved).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(saved).toHaveLength(2);
  });

  it('goes back to the usual delay once saves are cheap again', () => {
    const clock = { now: 0 };
    let cost = 50;
    const { store } = fakeStore(clock, () => cost);
    const saver = new QueueSaver(
      store,
      () => [],
      () => clock.now,
    );
    saver.saveNow();
    expect(saver.delay).toBe(1000);
    cost = 1;
    saver.saveNow();
    expect(saver.delay).toBe(SAVE_DELAY_MS);
  });

  it('saves at once when asked, taking the place of a pending save', () => {
    const clock = { now: 0 };
    const { store, saved } = fakeStore(clock, () => 0);
    const saver = new QueueSaver(
      store,
      () => [job('x')],
      () => clock.now,
    );
    saver.saveSoon();
    saver.saveNow();
    expect(saved).toHaveLength(1);
    vi.advanceTimersByTime(SAVE_DELAY_MS * 10);
    expect(saved).toHaveLength(1);
  });

  it('saves a last time on request, and nothing after', async () => {
    const clock = { now: 0 };
    const { store, saved } = fakeStore(clock, () => 0);
    const saver = new QueueSaver(
      store,
      () => [job('z')],
      () => clock.now,
    );
    saver.saveSoon();
    await saver.saveLast();
    expect(saved).toEqual([['z']]);
    vi.advanceTimersByTime(SAVE_DELAY_MS * 10);
    expect(saved).toHaveLength(1);
  });

  it('does nothing without a store (the CLI keeps its queue in memory)', async () => {
    const snapshot = vi.fn(() => []);
    const saver = new QueueSaver(undefined, snapshot);
    saver.saveNow();
    saver.saveSoon();
    vi.advanceTimersByTime(SAVE_DELAY_MS * 10);
    await saver.saveLast();
    expect(snapshot).not.toHaveBeenCalled();
  });
});
