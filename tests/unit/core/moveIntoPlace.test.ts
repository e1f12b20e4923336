// moveIntoPlace on this machine's file system, and on one without hard
// links (FAT, exFAT: not mountable in a test), where link() fails the way
// Linux's vfat driver fails it; and where removing a name fails.
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { moveIntoPlace } from '../../../electron/core/local/moveIntoPlace.js';

const hardLinks = vi.hoisted(() => ({ supported: true, refused: 0, unlinkFails: false }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const linkSync = (existing: string, created: string): void => {
    if (!hardLinks.supported) {
      hardLinks.refused += 1;
      throw Object.assign(new Error(`EPERM: operation not permitted, link '${existing}'`), { code: 'EPERM' });
    }
    actual.linkSync(existing, created);
  };
  const unlinkSync = (path: string): void => {
    if (hardLinks.unlinkFails) {
      throw Object.assign(new Error(`EBUSY: resource busy or locked, unlink '${path}'`), { code: 'EBUSY' });
    }
    actual.unlinkSync(path);
  };
  return { ...actual, linkSync, unlinkSync, default: { ...actual, linkSync, unlinkSync } };
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
  hardLinks.unlinkFails = false;
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

describe('moveIntoPlace when the temporary name cannot be removed', () => {
  it('reports the move done, as the file has its final name, and leaves the other name on it', async () => {
    hardLinks.unlinkFails = true;
    await moveIntoPlace(from, to, false);
    expect(await readFile(to, 'utf8')).toBe('new');
    expect((await stat(from)).ino).toBe((await stat(to)).ino);
  });
});
