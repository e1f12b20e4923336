import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransferService } from '../../../../electron/core/transfers/transferService.js';
import { SpeedLimitStore } from '../../../../electron/core/transfers/speedLimitStore.js';

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-speed-limit-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

function openService(): Promise<TransferService> {
  return TransferService.open({
    dataFolder: folder,
    log: () => undefined,
    onChanged: () => undefined,
    onQuestion: () => undefined,
    onPrompt: () => undefined,
  });
}

describe('the speed limit set in the window', () => {
  it('is none until set, and holds after a restart', async () => {
    const first = await openService();
    expect(first.speedLimit()).toEqual({ download: 0, upload: 0 });
    await first.setSpeedLimit({ download: 512 * 1024, upload: 0 });
    await first.close();

    const second = await openService();
    expect(second.speedLimit()).toEqual({ download: 512 * 1024, upload: 0 });
    await second.close();
    expect(JSON.parse(await readFile(join(folder, 'speed-limit.json'), 'utf8'))).toEqual({
      version: 1,
      speedLimit: { download: 512 * 1024, upload: 0 },
    });
  });

  it('starts without a limit when its file is damaged or holds nonsense', async () => {
    const path = join(folder, 'speed-limit.json');
    for (const text of ['{not json', JSON.stringify({ version: 1, speedLimit: { download: -5, upload: 0 } })]) {
      await writeFile(path, text);
      expect(await new SpeedLimitStore(path).load()).toEqual({ download: 0, upload: 0 });
    }
  });
});
