import { beforeAll, describe, expect, it } from 'vitest';
import type { ConnectedSite, Envelope } from '../../../shared/contract.js';
import { notAFolderDetails, type FileEntry } from '../../../shared/entries.js';
import { FerryError } from '../../../shared/errors.js';
import type { NewTransfer } from '../../../shared/transfers.js';

const HOME = '/home/ferrytest/links';
const SITE = 'ftp://ferrytest@127.0.0.1:2121';

function entry(name: string, fields: Partial<FileEntry> = {}): FileEntry {
  return { name, type: 'file', size: 0, modified: 1_700_000_000_000, permissions: null, hidden: false, ...fields };
}

/** The folder as Ferry's FTP engine lists it from vsftpd's LIST. */
const listing: FileEntry[] = [
  entry('small.bin', { size: 5000 }),
  entry('sub', { type: 'directory' }),
  entry('link-to-sub', { type: 'symlink', linkTarget: 'sub', linkTargetUnknown: true }),
  entry('link-to-file', { type: 'symlink', linkTarget: 'small.bin', linkTargetUnknown: true }),
  entry('broken-link', { type: 'symlink', linkTarget: 'nowhere', linkTargetUnknown: true }),
  // As SFTP lists them, after a stat of each.
  entry('sftp-file-link', { type: 'symlink', linkTarget: 'small.bin', linkTargetType: 'file', size: 5000 }),
  entry('sftp-broken-link', { type: 'symlink', linkTarget: 'gone' }),
];

/** How the engine answers a listing of each path: the folder, a linked folder, or what is there instead. */
function remoteList(path: string): Envelope {
  if (path === HOME) return { ok: true, value: listing };
  if (path === `${HOME}/link-to-sub`) return { ok: true, value: [entry('inner.txt', { size: 3 })] };
  const found =
    path === `${HOME}/link-to-file`
      ? notAFolderDetails({ found: 'file', size: 5000 })
      : notAFolderDetails({ found: 'nothing' });
  const error = new FerryError('NOT_FOUND', `Cannot list "${path}": 550 Failed to change directory.`, {
    replyCode: 550,
    details: found,
  });
  return { ok: false, error: error.toShape() };
}

const listed: string[] = [];
const added: NewTransfer[][] = [];
(globalThis as { window?: unknown }).window = {
  ferry: {
    remote: {
      list: (_site: string, path: string) => {
        listed.push(path);
        return Promise.resolve(remoteList(path));
      },
    },
    transfers: {
      add: (items: NewTransfer[]) => {
        added.push(items);
        return Promise.resolve<Envelope>({ ok: true, value: [] });
      },
    },
  },
};

type Modules = {
  queue: typeof import('../../../renderer/src/queue/queueFromPanes.js');
  session: typeof import('../../../renderer/src/stores/session.js');
  local: typeof import('../../../renderer/src/stores/localPane.js');
  remote: typeof import('../../../renderer/src/stores/remotePane.js');
  transfers: typeof import('../../../renderer/src/stores/transfers.js');
};
let m: Modules;
beforeAll(async () => {
  m = {
    queue: await import('../../../renderer/src/queue/queueFromPanes.js'),
    session: await import('../../../renderer/src/stores/session.js'),
    local: await import('../../../renderer/src/stores/localPane.js'),
    remote: await import('../../../renderer/src/stores/remotePane.js'),
    transfers: await import('../../../renderer/src/stores/transfers.js'),
  };
  const site: ConnectedSite = {
    site: SITE,
    protocol: 'ftp',
    initialFolder: HOME,
    capabilities: {
      list: true,
      stat: true,
      mkdir: true,
      delete: true,
      rename: true,
      chmod: true,
      setModified: true,
      resumeDownload: true,
      resumeUpload: true,
      hash: [],
      symlinks: true,
    },
  };
  m.local.useLocalPane.setState({ listing: { path: '/tmp/down', parent: '/tmp', separator: '/', entries: [] } });
  m.session.useSession.setState({ site });
  // Connecting makes the remote pane list the login folder; wait for it.
  await m.remote.useRemotePane.getState().load(HOME);
});

async function download(names: string[]): Promise<NewTransfer[]> {
  added.length = 0;
  listed.length = 0;
  m.transfers.useTransfers.setState({ error: null });
  await m.queue.queueFromPanes('download', names);
  return added.flat();
}

describe('queueing links for download from an FTP listing', () => {
  it('queues a link to a folder as a folder, after one listing of it', async () => {
    const items = await download(['link-to-sub']);
    expect(items).toEqual([expect.objectContaining({ kind: 'folder', remotePath: `${HOME}/link-to-sub` })]);
    expect(listed).toEqual([`${HOME}/link-to-sub`]);
    expect(m.transfers.useTransfers.getState().error).toBeNull();
  });

  it("queues a link to a file as a file without the listing's facts, so the queue asks the server", async () => {
    const [item] = await download(['link-to-file']);
    expect(item).toMatchObject({ kind: 'file', remotePath: `${HOME}/link-to-file`, size: 5000 });
    expect(item?.listedSource).toBeUndefined();
  });

  it('does not queue a broken link, and says why', async () => {
    expect(await download(['broken-link', 'small.bin'])).toEqual([
      expect.objectContaining({ kind: 'file', remotePath: `${HOME}/small.bin` }),
    ]);
    expect(m.transfers.useTransfers.getState().error).toMatch(/"broken-link" seems to be a broken link/);
  });

  it('probes only the links picked, and gives plain files their listed facts as before', async () => {
    const items = await download(['small.bin', 'sub']);
    expect(listed).toEqual([]);
    expect(items).toEqual([
      expect.objectContaining({ kind: 'file', size: 5000, listedSource: { size: 5000, modified: 1_700_000_000_000 } }),
      expect.objectContaining({ kind: 'folder' }),
    ]);
  });

  it('treats links SFTP has resolved the same way, without asking again', async () => {
    const items = await download(['sftp-file-link', 'sftp-broken-link']);
    expect(listed).toEqual([]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'file', size: 5000 });
    expect(items[0]?.listedSource).toBeUndefined();
    expect(m.transfers.useTransfers.getState().error).toBe(
      '"sftp-broken-link" is a broken link: its target "gone" cannot be found.',
    );
  });

  it('after a double-click found a link to be a file, queues it without a second probe', async () => {
    const remote = m.remote.useRemotePane;
    await remote.getState().load(HOME);
    const link = remote.getState().listing?.entries.find((e) => e.name === 'link-to-file');
    expect(link?.linkTargetUnknown).toBe(true);
    listed.length = 0;
    expect(link && (await remote.getState().open(link))).toBe('file');
    expect(listed).toEqual([`${HOME}/link-to-file`]);
    const [item] = await download(['link-to-file']);
    expect(listed).toEqual([]);
    expect(item).toMatchObject({ kind: 'file', size: 5000 });
    expect(item?.listedSource).toBeUndefined();
  });
});
