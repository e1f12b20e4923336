import { isAbsolutePath, joinPath } from '../../../shared/names';
import { errorMessage, ferry } from '../ipc/ferry';
import { createPaneStore } from './paneStore';

/**
 * A path typed into the path box: a relative one (`src`, `../logs`) is
 * taken inside the folder shown, as a file manager does; the main side
 * folds its `..`.
 */
function typedLocalPath(typed: string): string {
  const listing = useLocalPane.getState().listing;
  if (isAbsolutePath(typed) || listing === null) return typed;
  return joinPath(listing.path, typed, listing.separator);
}

/** The local pane, over the main side's local file service. */
export const useLocalPane = createPaneStore({
  list: (path) => ferry.local.list(typedLocalPath(path)),
  mkdir: (folder, name) => ferry.local.mkdir(folder, name),
  rename: (folder, from, to) => ferry.local.rename(folder, from, to),
  remove: (folder, names) => ferry.local.delete(folder, names),
});

/** Opens the user's home folder: the first thing the local pane does. */
export async function loadLocalHome(): Promise<void> {
  const pane = useLocalPane.getState();
  try {
    const home = await ferry.local.home();
    // The user may already have gone somewhere while we asked (even if that failed).
    const now = useLocalPane.getState();
    if (now.listing === null && !now.loading && now.error === null) await pane.load(home);
  } catch (error) {
    pane.setError(errorMessage(error));
  }
}
