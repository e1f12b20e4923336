import { beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../shared/contract.js';
import type { TransferJob } from '../../../shared/transfers.js';

let changed: (jobs: TransferJob[]) => void = () => undefined;
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
});
