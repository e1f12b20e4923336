import { beforeAll, describe, expect, it } from 'vitest';
import { notAFolderDetails, type FileEntry, type FolderListing } from '../../../shared/entries.js';
import { FerryError } from '../../../shared/errors.js';

// The store's module builds the IPC client from window.ferry when loaded; these tests never call it.
(globalThis as { window?: unknown }).window = { ferry: {} };
type Stores = typeof import('../../../renderer/src/stores/paneStore.js');
let createPaneStore: Stores['createPaneStore'];
beforeAll(async () => {
  ({ createPaneStore } = await import('../../../renderer/src/stores/paneStore.js'));
});

function link(name: string, target: string, fields: Partial<FileEntry> = {}): FileEntry {
  return {
    name,
    type: 'symlink',
    size: 0,
    modified: null,
    permissions: 'rwxrwxrwx',
    hidden: false,
    linkTarget: target,
    ...fields,
  };
}

const HOME = '/home/me';

/**
 * A folder as FTP's LIST shows it: three links of unknown type, and a link
 * the source knows to be broken (as SFTP and the local disk report one).
 * Listing a link fails the way Ferry's FTP engine fails it.
 */
function ftpSource() {
  const listed: string[] = [];
  const failures: Record<string, FerryError> = {
    [`${HOME}/link-to-file`]: new FerryError(
      'NOT_FOUND',
      `Cannot list "${HOME}/link-to-file": it is a file, not a folder`,
      {
        replyCode: 550,
        details: notAFolderDetails({ found: 'file', size: 5000 }),
      },
    ),
    [`${HOME}/broken-link`]: new FerryError(
      'NOT_FOUND',
      `Cannot list "${HOME}/broken-link": 550 Failed to change directory.`,
      {
        replyCode: 550,
        details: notAFolderDetails({ found: 'nothing' }),
      },
    ),
    // A server without SIZE cannot say what is there.
    [`${HOME}/link-somewhere`]: new FerryError(
      'NOT_FOUND',
      `Cannot list "${HOME}/link-somewhere": 550 Failed to change directory.`,
      {
        replyCode: 550,
      },
    ),
    [`${HOME}/link-offline`]: new FerryError('CONNECTION_LOST', 'Connection lost'),
  };
  const entries: FileEntry[] = [
    link('link-to-sub', 'sub', { linkTargetUnknown: true }),
    link('link-to-file', 'small.bin', { linkTargetUnknown: true }),
    link('broken-link', 'nowhere', { linkTargetUnknown: true }),
    link('link-somewhere', 'x', { linkTargetUnknown: true }),
    link('link-offline', 'y', { linkTargetUnknown: true }),
    link('known-broken', 'gone'),
  ];
  return {
    listed,
    source: {
      list: (path: string): Promise<FolderListing> => {
        listed.push(path);
        const failure = failures[path];
        if (failure) return Promise.reject(failure);
        return Promise.resolve({
          path,
          parent: path === HOME ? '/home' : HOME,
          separator: '/',
          entries: path === HOME ? entries : [],
        });
      },
      mkdir: () => Promise.resolve(),
      rename: () => Promise.resolve(),
      remove: () => Promise.resolve(),
    },
  };
}

async function openedHome() {
  const fake = ftpSource();
  const store = createPaneStore(fake.source);
  await store.getState().load(HOME);
  const entry = (name: string): FileEntry => {
    const found = store.getState().listing?.entries.find((e) => e.name === name);
    if (!found) throw new Error(`no ${name}`);
    return found;
  };
  return { fake, store, entry };
}

describe('opening a link whose type the listing did not say', () => {
  it('goes into it when it is a folder', async () => {
    const { store, entry } = await openedHome();
    expect(await store.getState().open(entry('link-to-sub'))).toBe('folder');
    expect(store.getState().listing?.path).toBe(`${HOME}/link-to-sub`);
    expect(store.getState().error).toBeNull();
  });

  it('says "file" when it is none, stays, and shows what the row is now known to be', async () => {
    const { store, entry } = await openedHome();
    expect(await store.getState().open(entry('link-to-file'))).toBe('file');
    expect(store.getState().listing?.path).toBe(HOME);
    expect(store.getState().error).toBeNull();
    expect(entry('link-to-file')).toMatchObject({ linkTargetType: 'file', size: 5000 });
    expect(entry('link-to-file').linkTargetUnknown).toBeUndefined();
  });

  it('says why a broken link does not open, and does not send it anywhere', async () => {
    const { store, entry } = await openedHome();
    expect(await store.getState().open(entry('broken-link'))).toBe('none');
    expect(store.getState().listing?.path).toBe(HOME);
    expect(store.getState().error).toMatch(/"broken-link" seems to be a broken link: its target "nowhere"/);
    // Now known broken.
    expect(entry('broken-link').linkTargetUnknown).toBeUndefined();
    expect(entry('broken-link').linkTargetType).toBeUndefined();
  });

  it('takes a link the server cannot describe for a file, as FileZilla does, leaving its row unknown', async () => {
    const { store, entry } = await openedHome();
    expect(await store.getState().open(entry('link-somewhere'))).toBe('file');
    expect(entry('link-somewhere').linkTargetUnknown).toBe(true);
  });

  it('shows any other failure and does nothing more', async () => {
    const { store, entry } = await openedHome();
    expect(await store.getState().open(entry('link-offline'))).toBe('none');
    expect(store.getState().error).toBe('Connection lost');
    expect(entry('link-offline').linkTargetUnknown).toBe(true);
  });

  it('does not ask the source about a link it already knows is broken', async () => {
    const { fake, store, entry } = await openedHome();
    expect(await store.getState().open(entry('known-broken'))).toBe('none');
    expect(store.getState().error).toBe('"known-broken" is a broken link: its target "gone" cannot be found.');
    expect(fake.listed).toEqual([HOME]);
  });
});

describe('probing a link before it is queued', () => {
  it('finds out what each link is without leaving the folder shown', async () => {
    const { store, entry } = await openedHome();
    const probe = (name: string) => store.getState().probeLink(HOME, name);
    expect(await probe('link-to-sub')).toEqual({ kind: 'folder' });
    expect(await probe('link-to-file')).toEqual({ kind: 'file', size: 5000 });
    expect(await probe('broken-link')).toMatchObject({ kind: 'broken' });
    expect(await probe('link-offline')).toMatchObject({ kind: 'failed', reason: 'Connection lost' });
    expect(store.getState().listing?.path).toBe(HOME);
    expect(entry('link-to-sub')).toMatchObject({ linkTargetType: 'directory' });
    expect(entry('link-to-file')).toMatchObject({ linkTargetType: 'file', size: 5000 });
  });
});
