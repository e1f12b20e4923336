import type { FolderListing } from '../../../shared/entries';
import { FerryError } from '../../../shared/errors';
import { remoteParent, resolveRemote } from '../../../shared/remotePath';
import { ferry } from '../ipc/ferry';
import { createPaneStore } from './paneStore';
import { useSession } from './session';

/** The key of the site the remote pane browses. */
function connectedSite(): string {
  const site = useSession.getState().site;
  if (site === null) throw new FerryError('CONNECTION_LOST', 'Not connected to a server.');
  return site.site;
}

/** Remote paths are POSIX-style whatever the server, so the pane folds `..` and joins with `/` itself. */
async function listRemote(path: string): Promise<FolderListing> {
  const current = useRemotePane.getState().listing?.path ?? '/';
  const folder = resolveRemote(current, path);
  const entries = await ferry.remote.list(connectedSite(), folder);
  return { path: folder, parent: folder === '/' ? null : remoteParent(folder), separator: '/', entries };
}

/** The remote pane, over the connected site's browsing session. */
export const useRemotePane = createPaneStore({
  list: listRemote,
  mkdir: (folder, name) => ferry.remote.mkdir(connectedSite(), folder, name),
  rename: (folder, from, to) => ferry.remote.rename(connectedSite(), folder, from, to),
  remove: (folder, names) => ferry.remote.delete(connectedSite(), folder, names),
});

// A new site starts in its login folder; a disconnect empties the pane. This
// runs as the session changes, before the window renders the pane enabled,
// so a path typed at once is never overtaken by the login folder's listing.
useSession.subscribe((state, previous) => {
  if (state.site === previous.site) return;
  const pane = useRemotePane.getState();
  pane.reset();
  if (state.site?.capabilities.list) void pane.load(state.site.initialFolder);
});
