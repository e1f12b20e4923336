import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
  it('says which folder is missing when the destination folder does not exist', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ferry-partial-'));
    try {
      const missing = join(folder, 'no-such-folder');
      await expect(openPartial(join(missing, 'x.ferrypart'), false)).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: `Cannot download into "${missing}": the folder does not exist`,
      });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
