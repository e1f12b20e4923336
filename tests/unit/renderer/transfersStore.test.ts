import { beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../shared/contract.js';
import type { TransferJob } from '../../../shared/transfers.js';

let changed: (jobs: TransferJob[]) => void = () => undefined;
/** The queue actions the window asked of the main side, with their arguments. */
const calls: unknown[][] = [];
const recorded =
  (name: string) =>
  (...args: unknown[]): Promise<Envelope> => {
    calls.push([name, ...args]);
    return Promise.resolve({ ok: true, value: undefined });
  };
(globalThis as { window?: unknown }).window = {
  ferry: {
    transfers: {
      onChanged: (listener: (jobs: TransferJob[]) => void) => {
        changed = listener;
        return () => undefined;
      },
      onTotals: () => () => undefined,
      onQuestion: () => () => undefined,
      list: () => Promise.resolve<Envelope>({ ok: true, value: [] }),
      speedLimit: () => Promise.resolve<Envelope>({ ok: true, value: { download: 0, upload: 0 } }),
      move: recorded('move'),
      remove: recorded('remove'),
      clear: recorded('clear'),
      // A question asked before the window opened.
      questions: () =>
        Promise.resolve<Envelope>({
          ok: true,
          value: [
            {
              id: 7,
              jobId: 'job-10000',
              target: '/tmp/f10000',
              source: { size: 1, modified: null },
              existing: { size: 2, modified: null },
            },
          ],
        }),
    },
  },
};
let useTransfers: (typeof import('../../../renderer/src/stores/transfers.js'))['useTransfers'];
beforeAll(async () => {
  ({ useTransfers } = await import('../../../renderer/src/stores/transfers.js'));
});

function job(id: number, state: TransferJob['state']): TransferJob {
  return {
    id: `job-${id}`,
    site: 'ftp://me@host:21',
    direction: 'download',
    kind: 'file',
    remotePath: `/f${id}`,
    localPath: `/tmp/f${id}`,
    state,
    size: 1,
    transferred: state === 'done' ? 1 : 0,
    attempts: 0,
    added: id,
    ...(state === 'done' ? { finished: id } : {}),
  };
}

describe('the window transfer list', () => {
  it('puts up again a question asked before the window opened', async () => {
    useTransfers.getState().start();
    await expect.poll(() => useTransfers.getState().questions.map((question) => question.id)).toEqual([7]);
  });

  it('keeps the newest 1000 finished transfers and every unfinished one', async () => {
    useTransfers.getState().start();
    await Promise.resolve();
    changed(Array.from({ length: 300 }, (_, i) => job(10_000 + i, 'queued')));
    for (let batch = 0; batch < 15; batch++) {
      changed(Array.from({ length: 100 }, (_, i) => job(batch * 100 + i, 'done')));
    }
    const jobs = [...useTransfers.getState().jobs.values()];
    expect(jobs.filter((j) => j.state === 'done')).toHaveLength(1000);
    expect(jobs.filter((j) => j.state === 'queued')).toHaveLength(300);
    expect(useTransfers.getState().jobs.has('job-499')).toBe(false);
    expect(useTransfers.getState().jobs.has('job-500')).toBe(true);
  });

  it('moves a waiting transfer to the top of the list, and forgets what the main side dropped', async () => {
    useTransfers.getState().start();
    changed([job(20_001, 'queued'), job(20_002, 'queued'), job(20_003, 'failed'), job(20_004, 'failed')]);
    const queued = (): string[] =>
      [...useTransfers.getState().jobs.values()].filter((j) => j.state === 'queued').map((j) => j.id);
    expect(queued().slice(-2)).toEqual(['job-20001', 'job-20002']);

    await useTransfers.getState().moveToTop('job-20002');
    expect(calls).toContainEqual(['move', 'job-20002', 0]);
    expect(queued()[0]).toBe('job-20002');

    await useTransfers.getState().act('remove', 'job-20003');
    expect(calls).toContainEqual(['remove', 'job-20003']);
    expect(useTransfers.getState().jobs.has('job-20003')).toBe(false);
    expect(useTransfers.getState().jobs.has('job-20004')).toBe(true);

    await useTransfers.getState().clear('succeeded');
    expect(calls).toContainEqual(['clear', 'succeeded']);
    expect([...useTransfers.getState().jobs.values()].filter((j) => j.state === 'done')).toEqual([]);
    expect(useTransfers.getState().jobs.has('job-20004')).toBe(true);
    await useTransfers.getState().clear('failed');
    expect(useTransfers.getState().jobs.has('job-20004')).toBe(false);
    expect(useTransfers.getState().error).toBeNull();
  });
});
