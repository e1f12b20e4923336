import { create } from 'zustand';
import type { FileEntry, FolderListing, SortKey, SortOrder } from '../../../shared/entries';
import { isFolderLike } from '../../../shared/entries';
import { joinPath } from '../../../shared/names';
import { errorMessage } from '../ipc/ferry';

/** Where a pane's folders come from and how it changes them: the local disk or a connected site. */
export interface PaneSource {
  list(path: string): Promise<FolderListing>;
  mkdir(folder: string, name: string): Promise<void>;
  rename(folder: string, from: string, to: string): Promise<void>;
  remove(folder: string, names: string[]): Promise<void>;
}

/**
 * One file pane: which folder is shown, how it is sorted and filtered, and
 * what is selected. Selection is by name, so it survives a refresh that
 * reorders rows.
 */
export interface PaneState {
  listing: FolderListing | null;
  loading: boolean;
  /** The last failure, shown above the list until the next success. */
  error: string | null;
  sort: SortOrder;
  showHidden: boolean;
  selected: ReadonlySet<string>;
  /** The row with keyboard focus, by name. */
  focused: string | null;
  /** Where shift-selection extends from. */
  anchor: string | null;

  /** Opens `path`; on failure the current folder stays and `error` says why. */
  load: (path: string) => Promise<void>;
  refresh: () => Promise<void>;
  goUp: () => Promise<void>;
  open: (entry: FileEntry) => Promise<void>;
  sortBy: (key: SortKey) => void;
  setShowHidden: (show: boolean) => void;
  setSelection: (selected: ReadonlySet<string>, focused: string | null, anchor?: string | null) => void;
  /**
   * Folder changes run in `folder`, the folder the user chose them in (a
   * dialog stays open while a slow listing may land): if the pane shows
   * another folder by then, nothing is done and the pane says why.
   */
  mkdir: (folder: string, name: string) => Promise<void>;
  rename: (folder: string, from: string, to: string) => Promise<void>;
  remove: (folder: string, names: readonly string[]) => Promise<void>;
  setError: (message: string) => void;
  clearError: () => void;
  /** Empties the pane (the remote one, on disconnect); a listing still in flight is dropped. */
  reset: () => void;
}

/** Builds a pane store over `source`; the local and remote panes are two of these. */
export function createPaneStore(source: PaneSource) {
  return create<PaneState>()((set, get) => {
    // Only the newest navigation may land: a slow listing that finishes after
    // the user went elsewhere is dropped instead of yanking the pane back.
    let latestLoad = 0;

    /**
     * Runs a change in `folder` if the pane still shows it, then reloads it
     * (unless the user went elsewhere meanwhile) and reports failure in `error`.
     */
    const change = async (folder: string, action: () => Promise<void>, focus?: string): Promise<void> => {
      if (get().listing?.path !== folder) {
        set({ error: 'The folder shown changed before this could run, so nothing was done. Please try again here.' });
        return;
      }
      const loadsBefore = latestLoad;
      // Only a pane still showing `folder`, with no navigation since, is reloaded: a slow change must not yank it back.
      const stillHere = (): boolean => latestLoad === loadsBefore && get().listing?.path === folder;
      try {
        await action();
        if (!stillHere()) return;
        await get().load(folder);
        if (focus !== undefined) set({ selected: new Set([focus]), focused: focus, anchor: focus });
      } catch (error) {
        const message = errorMessage(error);
        if (stillHere()) await get().load(folder);
        set({ error: message });
      }
    };

    return {
      listing: null,
      loading: false,
      error: null,
      sort: { key: 'name', direction: 'ascending' },
      showHidden: false,
      selected: new Set(),
      focused: null,
      anchor: null,

      async load(path) {
        const ticket = ++latestLoad;
        set({ loading: true });
        try {
          const listing = await source.list(path);
          if (ticket !== latestLoad) return;
          const previous = get().listing;
          const sameFolder = previous?.path === listing.path;
          const names = new Set(listing.entries.map((e) => e.name));
          const keep = (name: string | null): string | null => (name !== null && names.has(name) ? name : null);
          // Coming back up from a child folder selects that child, as file
          // managers do, so Enter, F2 or Delete act on it straight away.
          const child =
            !sameFolder && previous && listing.path === previous.parent
              ? keep(previous.path.slice(previous.path.lastIndexOf(listing.separator) + 1))
              : null;
          set({
            listing,
            loading: false,
            error: null,
            focused: sameFolder ? keep(get().focused) : child,
            selected: sameFolder
              ? new Set([...get().selected].filter((n) => names.has(n)))
              : new Set(child === null ? [] : [child]),
            anchor: sameFolder ? keep(get().anchor) : child,
          });
        } catch (error) {
          if (ticket === latestLoad) set({ loading: false, error: errorMessage(error) });
        }
      },

      async refresh() {
        // A listing on its way is newer than the one shown; reloading the
        // shown folder now would send the user back from where they went.
        if (get().loading) return;
        const path = get().listing?.path;
        if (path) await get().load(path);
      },

      async goUp() {
        const parent = get().listing?.parent;
        if (parent) await get().load(parent);
      },

      async open(entry) {
        const listing = get().listing;
        if (!listing || !isFolderLike(entry)) return;
        await get().load(joinPath(listing.path, entry.name, listing.separator));
      },

      sortBy(key) {
        const { sort } = get();
        set({
          sort:
            sort.key === key
              ? { key, direction: sort.direction === 'ascending' ? 'descending' : 'ascending' }
              : { key, direction: key === 'modified' || key === 'size' ? 'descending' : 'ascending' },
        });
      },

      setShowHidden(show) {
        set({ showHidden: show });
      },

      setSelection(selected, focused, anchor) {
        set(anchor === undefined ? { selected, focused } : { selected, focused, anchor });
      },

      mkdir: (folder, name) => change(folder, () => source.mkdir(folder, name), name),
      rename: (folder, from, to) => change(folder, () => source.rename(folder, from, to), to),
      remove: (folder, names) => change(folder, () => source.remove(folder, [...names])),

      setError(message) {
        set({ error: message });
      },

      clearError() {
        set({ error: null });
      },

      reset() {
        latestLoad++;
        set({ listing: null, loading: false, error: null, selected: new Set(), focused: null, anchor: null });
      },
    };
  });
}

export type PaneStore = ReturnType<typeof createPaneStore>;
