// A download under a low speed limit takes from the network no faster than
// the limit (not the whole file into memory at once), ends as soon as it is
// canceled (what the throttle holds is dropped, not drained at the limit),
// and its partial resumes to the whole file; SFTP's side of this is in
// sftp/slowDestination.test.ts.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { Throttle } from '../../../electron/core/transfers/throttle.js';
import { failure } from '../failure.js';
import { connect, scratchFolder, sha256, writeOwned, type Session } from './ftpFixtures.js';

/** Slow enough that what sits in socket buffers and the throttle takes many seconds to pass. */
const SLOW_LIMIT = 256 * 1024;
/** A cancel that waited for the throttle would take far longer. */
const CANCEL_WITHIN_MS = 2000;

const scratch = scratchFolder('throttled-cancel');
const content = randomBytes(8 * 1024 * 1024 + 3);
let session: Session;

beforeAll(async () => {
  writeOwned(join(scratch.local, 'medium.bin'), content);
  session = await connect('plain', 'passive');
});

afterAll(async () => {
  await session.remote.close();
  scratch.remove();
});

describe('FTP download under a speed limit', () => {
  it(
    'takes no more than the limit lets through, cancels at once, and the partial resumes to the whole file',
    { timeout: 30_000 },
    async () => {
      const target = join(scratch.local, 'copy.bin');
      const controller = new AbortController();
      let handedOver = 0;
      const download = failure(
        downloadFile(session.remote, join(scratch.remote, 'medium.bin'), target, {
          throttle: new Throttle(SLOW_LIMIT),
          signal: controller.signal,
          onProgress: (bytes) => {
            handedOver = bytes;
          },
        }),
      );
      await sleep(1000);
      // Paused while the throttle is behind: what the limit let through (a second banked, one more
      // second) and at most one read more (up to a 4 MiB read slab), not the whole file at once.
      expect(handedOver, 'bytes taken from the data connection after a second').toBeLessThan(
        2 * SLOW_LIMIT + 4.5 * 1024 * 1024,
      );
      expect(handedOver).toBeGreaterThan(0);
      const canceledAt = performance.now();
      controller.abort();
      expect((await download).code).toBe('CANCELED');
      expect(performance.now() - canceledAt, 'milliseconds from the cancel to the end of the download').toBeLessThan(
        CANCEL_WITHIN_MS,
      );
      await downloadFile(session.remote, join(scratch.remote, 'medium.bin'), target, { resume: true });
      expect(sha256(readFileSync(target))).toBe(sha256(content));
    },
  );
});
