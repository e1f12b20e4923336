import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalDisk } from '../../../../electron/core/local/localDisk.js';
import { downloadFile } from '../../../../electron/core/transfers/downloadFile.js';
import { Throttle } from '../../../../electron/core/transfers/throttle.js';

describe('Throttle', () => {
  it('lets one second of traffic through at once and makes the rest wait its share', () => {
    const throttle = new Throttle(1000);
    expect(throttle.take(600)).toBe(0);
    const wait = throttle.take(1400);
    // 1000 banked, 2000 taken: the missing 1000 bytes take about a second.
    expect(wait).toBeGreaterThan(900);
    expect(wait).toBeLessThan(1100);
  });

  it('is unlimited at 0 and can be changed while running', () => {
    const throttle = new Throttle(0);
    expect(throttle.take(10 ** 9)).toBe(0);
    throttle.setLimit(100);
    expect(throttle.limit).toBe(100);
    expect(throttle.take(300)).toBeGreaterThan(0);
  });

  it('answers every write it holds back as soon as it is destroyed', async () => {
    // 1000 bytes a second: the chunks would pass after 9, 19 and 29 seconds.
    const stream = new Throttle(1000).stream();
    stream.resume();
    const answers = [0, 1, 2].map(
      (index) =>
        new Promise<string>((resolve) => {
          stream.write(Buffer.alloc(10_000), (error) => resolve(`${index}: ${error ? 'failed' : 'written'}`));
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    stream.destroy();
    const settled = await Promise.race([
      Promise.all(answers),
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 1000)),
    ]);
    // The held chunk is let go at once; the two queued behind it fail with the stream.
    expect(settled).toEqual(['0: written', '1: failed', '2: failed']);
  });

  it('passes a download through unchanged', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ferry-throttle-'));
    const data = randomBytes(200_000);
    await writeFile(join(folder, 'src.bin'), data);
    await downloadFile(new LocalDisk(folder), join(folder, 'src.bin'), join(folder, 'dst.bin'), {
      throttle: new Throttle(50 * 1024 * 1024),
    });
    expect(Buffer.compare(await readFile(join(folder, 'dst.bin')), data)).toBe(0);
    await rm(folder, { recursive: true, force: true });
  });
});
