import { closeSync, writeSync } from 'node:fs';
import { link, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPartial, partialPathFor } from '../../../../electron/core/transfers/partialFile.js';

const bytes = (text: string): number => Buffer.byteLength(text);
const lastName = (path: string): string => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

describe('partialPathFor', () => {
  it('puts ".ferrypart" after the name, beside it', () => {
    expect(partialPathFor('/home/me/ios.bin')).toBe('/home/me/ios.bin.ferrypart');
    expect(partialPathFor('C:\\Users\\me\\a b.txt')).toBe('C:\\Users\\me\\a b.txt.ferrypart');
  });

  it('keeps the partial of a name near the 255-byte limit within it, the same each time and different per name', () => {
    const long = 'n'.repeat(250);
    const partial = partialPathFor(`/srv/${long}`);
    expect(partial.startsWith('/srv/nnn')).toBe(true);
    expect(partial).toMatch(/~[0-9a-f]{8}\.ferrypart$/);
    expect(bytes(lastName(partial))).toBe(255);
    expect(partialPathFor(`/srv/${long}`)).toBe(partial);
    expect(partialPathFor(`/srv/${'n'.repeat(249)}m`)).not.toBe(partial);
    expect(partialPathFor(`/srv/${'n'.repeat(245)}`)).toBe(`/srv/${'n'.repeat(245)}.ferrypart`);
  });

  it('cuts a long multi-byte name between characters, not inside one', () => {
    const name = '名'.repeat(85); // 255 bytes
    const partial = lastName(partialPathFor(`C:\\d\\${name}`));
    expect(bytes(partial)).toBeLessThanOrEqual(255);
    expect(partial).toMatch(/^名+~[0-9a-f]{8}\.ferrypart$/);
    expect(partial).not.toContain('\ufffd');
  });
});

describe('openPartial', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'ferry-partial-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it.each([false, true])(
    'never writes into a partial that is another name of a file, as a move into place cut short leaves it (resume: %s)',
    async (resume) => {
      const target = join(folder, 'report.bin');
      const partial = partialPathFor(target);
      await writeFile(target, 'the finished download');
      await link(target, partial);
      const opened = await openPartial(partial, resume);
      writeSync(opened.fd, 'new');
      closeSync(opened.fd);
      expect(opened.offset).toBe(0);
      expect(await readFile(target, 'utf8')).toBe('the finished download');
      expect(await readFile(partial, 'utf8')).toBe('new');
      expect((await stat(target)).nlink).toBe(1);
      expect((await stat(partial)).ino).not.toBe((await stat(target)).ino);
    },
  );

  it('continues a partial of its own at its end, and empties it to start over', async () => {
    const partial = join(folder, 'x.ferrypart');
    await writeFile(partial, 'abc');
    const resumed = await openPartial(partial, true);
    closeSync(resumed.fd);
    expect(resumed.offset).toBe(3);
    const again = await openPartial(partial, false);
    closeSync(again.fd);
    expect(again.offset).toBe(0);
    expect((await stat(partial)).size).toBe(0);
  });

  it('says which folder is missing when the destination folder does not exist', async () => {
    const missing = join(folder, 'no-such-folder');
    await expect(openPartial(join(missing, 'x.ferrypart'), false)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `Cannot download into "${missing}": the folder does not exist`,
    });
  });
});
