import { describe, expect, it } from 'vitest';
import { FerryError } from '../../../../shared/errors.js';
import { deleteTree } from '../../../../electron/core/remote/deleteTree.js';
import { MemoryServer } from '../memoryFileSystem.js';

function server(): MemoryServer {
  const memory = new MemoryServer();
  memory.addFile('/site/index.html', Buffer.from('hi'));
  memory.addFile('/site/css/main.css', Buffer.from('body{}'));
  memory.addFile('/site/css/vendor/reset.css', Buffer.from(''));
  memory.addFile('/keep/other.txt', Buffer.from('x'));
  return memory;
}

describe('deleteTree', () => {
  it('deletes a folder with everything in it and nothing beside it', async () => {
    const memory = server();
    await deleteTree(memory.connect(), '/site');
    expect([...memory.files.keys()]).toEqual(['/keep/other.txt']);
    expect([...memory.folders].sort()).toEqual(['/', '/keep']);
  });

  it.each(['../keep', 'a/b', '..', 'evil\nname'])(
    'refuses a listing naming %j before deleting anything',
    async (name) => {
      const memory = server();
      memory.extraNames.set('/site/css', [name]);
      const error = await deleteTree(memory.connect(), '/site').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FerryError);
      expect((error as FerryError).code).toBe('UNSAFE_NAME');
      // The walk stopped in the hostile folder: nothing in it, or outside the tree, was touched.
      expect(memory.files.has('/keep/other.txt')).toBe(true);
      expect(memory.files.has('/site/css/main.css')).toBe(true);
      expect(memory.files.has('/site/css/vendor/reset.css')).toBe(true);
    },
  );

  it('stops when canceled', async () => {
    const memory = server();
    const controller = new AbortController();
    controller.abort();
    const error = await deleteTree(memory.connect(), '/site', controller.signal).catch((e: unknown) => e);
    expect((error as FerryError).code).toBe('CANCELED');
    expect(memory.files.size).toBe(4);
  });
});
