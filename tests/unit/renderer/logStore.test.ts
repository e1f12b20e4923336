import { beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, LogEntry } from '../../../shared/contract.js';

/** The bridge half the log store uses: live lines, and a history that answers when told. */
let emit: (entry: LogEntry) => void = () => undefined;
let answerHistory: (entries: LogEntry[]) => void = () => undefined;
(globalThis as { window?: unknown }).window = {
  ferry: {
    log: {
      onEntry: (listener: (entry: LogEntry) => void) => {
        emit = listener;
        return () => undefined;
      },
      history: () =>
        new Promise<Envelope>((resolve) => {
          answerHistory = (entries) => resolve({ ok: true, value: entries });
        }),
    },
  },
};
let useLog: (typeof import('../../../renderer/src/stores/log.js'))['useLog'];
beforeAll(async () => {
  ({ useLog } = await import('../../../renderer/src/stores/log.js'));
});

const line = (id: number): LogEntry => ({ id, time: 0, session: null, kind: 'info', text: `line ${id}` });

describe('the window message log', () => {
  it('shows a burst of lines in a few batches, keeps the newest 1000, and merges the history in', async () => {
    let updates = 0;
    useLog.subscribe(() => updates++);
    useLog.getState().start();
    for (let id = 101; id <= 3100; id++) emit(line(id));
    expect(useLog.getState().entries).toHaveLength(0);
    await expect.poll(() => useLog.getState().entries.length).toBe(1000);
    expect(updates).toBeLessThanOrEqual(2);
    expect(useLog.getState().entries[0]?.id).toBe(2101);
    expect(useLog.getState().entries.at(-1)?.id).toBe(3100);

    // A history that overlaps what is shown adds nothing twice and keeps id order.
    answerHistory([line(3099), line(3100), line(50)]);
    await expect.poll(() => updates).toBeGreaterThan(1);
    const ids = useLog.getState().entries.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(ids.at(-1)).toBe(3100);
  });
});
