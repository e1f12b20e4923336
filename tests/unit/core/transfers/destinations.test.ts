import { describe, expect, it } from 'vitest';
import { Destinations } from '../../../../electron/core/transfers/destinations.js';
import type { TransferJob } from '../../../../electron/core/transfers/job.js';

const download = (id: string, localPath: string): TransferJob =>
  ({ id, site: 's', direction: 'download', kind: 'file', localPath, remotePath: `/r/${id}` }) as TransferJob;

describe('Destinations', () => {
  it("counts a destination's partial as claimed, so no job writes another job's partial", () => {
    const destinations = new Destinations();
    const file = download('a', '/d/disk.img');
    const leftover = download('b', '/d/disk.img.ferrypart');
    destinations.claim(file);
    expect(destinations.inUse(leftover)).toBe(true);
    destinations.release(file);
    destinations.claim(leftover);
    // The other way round: the leftover's job owns the name disk.img's partial would take.
    expect(destinations.inUse(file)).toBe(true);
    destinations.release(leftover);
    expect(destinations.inUse(file)).toBe(false);
  });
});
