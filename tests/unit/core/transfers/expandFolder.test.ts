import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../../../electron/core/log/messageLog.js';
import { expandFolder } from '../../../../electron/core/transfers/expandFolder.js';
import type { TransferJob } from '../../../../electron/core/transfers/job.js';
import { MemoryServer } from '../memoryFileSystem.js';

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-expand-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

function folderJob(localPath: string): TransferJob {
  return {
    id: 'f',
    site: 's',
    direction: 'download',
    kind: 'folder',
    remotePath: '/site',
    localPath,
    size: null,
    transferred: 0,
    state: 'running',
    attempts: 0,
    added: 1,
  };
}

describe('expandFolder', () => {
  it('marks a file absent only when no local name matches it, even by case or Unicode form', async () => {
    const server = new MemoryServer();
    for (const name of ['Readme', 'Caf\u00e9.txt', 'new.txt']) server.addFile(`/site/${name}`, Buffer.from(name));
    await writeFile(join(folder, 'README'), 'local');
    // The same name in the decomposed form a Mac disk keeps.
    await writeFile(join(folder, 'Cafe\u0301.txt'), 'local');
    const children = await expandFolder(folderJob(folder), server.connect(), silentLog, new AbortController().signal);
    const absent = (name: string) =>
      children.find((child) => child.remotePath === `/site/${name}`)?.listedDestination === null;
    // On a disk that folds names these are the existing files: the job must look, not assume.
    expect(absent('Readme')).toBe(false);
    expect(absent('Caf\u00e9.txt')).toBe(false);
    expect(absent('new.txt')).toBe(true);
  });
});
