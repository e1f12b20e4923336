import { beforeAll, describe, expect, it } from 'vitest';
import type { FolderListing } from '../../../shared/entries.js';

// The store's module builds the IPC client from window.ferry when loaded; these tests never call it.
(globalThis as { window?: unknown }).window = { ferry: {} };
type Stores = typeof import('../../../renderer/src/stores/paneStore.js');
let createPaneStore: Stores['createPaneStore'];
beforeAll(async () => {
  ({ createPaneStore } = await import('../../../renderer/src/stores/paneStore.js'));
});

function listing(path: string): FolderListing {
  return { path, parent: '/', separator: '/', entries: [] };
}

/** A pane source whose listings of `slow` wait until released, and which records what it changed where. */
function source(slow: string) {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const removed: string[] = [];
  let deleting = (): void => undefined;
  const deleteGate = new Promise<void>((resolve) => (deleting = resolve));
  return {
    release,
    finishDelete: deleting,
    removed,
    pane: {
      list: async (path: string) => {
        if (path === slow) await gate;
        return listing(path);
      },
      mkdir: () => Promise.resolve(),
      rename: () => Promise.resolve(),
      remove: async (folder: string, names: string[]) => {
        await deleteGate;
        removed.push(...names.map((name) => `${folder}/${name}`));
      },
    },
  };
}

describe('a pane store acting on the folder the user chose in', () => {
  it('does nothing, and says so, when another folder has landed since the dialog opened', async () => {
    const fake = source('/parent/releases');
    fake.finishDelete();
    const store = createPaneStore(fake.pane);
    await store.getState().load('/parent');
    // The user opens a slow folder, then picks "build" in the still-shown /parent and confirms after the listing landed.
    const opening = store.getState().load('/parent/releases');
    fake.release();
    await opening;
    await store.getState().remove('/parent', ['build']);
    expect(fake.removed).toEqual([]);
    expect(store.getState().error).toContain('nothing was done');
    expect(store.getState().listing?.path).toBe('/parent/releases');
  });

  it('does not pull the pane back to the folder of a slow change after the user went elsewhere', async () => {
    const fake = source('none');
    const store = createPaneStore(fake.pane);
    await store.getState().load('/parent');
    const deleting = store.getState().remove('/parent', ['build']);
    await store.getState().load('/other');
    fake.finishDelete();
    await deleting;
    expect(fake.removed).toEqual(['/parent/build']);
    expect(store.getState().listing?.path).toBe('/other');
  });
});
