// moveIntoPlace on this machine's file system, and on one without hard
// links (FAT, exFAT: not mountable in a test), where link() fails the way
// Linux's vfat driver fails it.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { moveIntoPlace } from '../../../electron/core/local/moveIntoPlace.js';

const hardLinks = vi.hoisted(() => ({ supported: true, refused: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const linkSync = (existing: string, created: string): void => {
    if (!hardLinks.supported) {
      hardLinks.refused += 1;
      throw Object.assign(new Error(`EPERM: operation not permitted, link '${existing}'`), { code: 'EPERM' });
    }
    actual.linkSync(existing, created);
  };
  return { ...actual, linkSync, default: { ...actual, linkSync } };
});

let folder: string;
let from: string;
let to: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-move-'));
  from = join(folder, 'report.pdf.ferrypart');
  to = join(folder, 'report.pdf');
  await writeFile(from, 'new');
});

afterEach(async () => {
  hardLinks.supported = true;
  hardLinks.refused = 0;
  await rm(folder, { recursive: true, force: true });
});

describe.each([true, false])('moveIntoPlace (hard links: %s)', (supported) => {
  beforeEach(() => {
    hardLinks.supported = supported;
  });

  it('moves the file to a free name and leaves nothing behind', async () => {
    await moveIntoPlace(from, to, false);
    expect(await readFile(to, 'utf8')).toBe('new');
    expect(await readdir(folder)).toEqual(['report.pdf']);
    expect(hardLinks.refused).toBe(supported ? 0 : 1);
  });

  it('keeps a file that took the name, and the one that would have replaced it', async () => {
    await writeFile(to, 'theirs');
    await expect(moveIntoPlace(from, to, false)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(to, 'utf8')).toBe('theirs');
    expect(await readFile(from, 'utf8')).toBe('new');
  });

  it('replaces the file when told to', async () => {
    await writeFile(to, 'old');
    await moveIntoPlace(from, to, true);
    expect(await readFile(to, 'utf8')).toBe('new');
    expect(await readdir(folder)).toEqual(['report.pdf']);
  });

  it('reports a missing source as such', async () => {
    await rm(from);
    await expect(moveIntoPlace(from, to, false)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
