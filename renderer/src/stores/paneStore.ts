import { create } from 'zustand';
import type { FileEntry, FolderListing, SortKey, SortOrder } from '../../../shared/entries';
import { isBrokenLink, isFolderLike, isUnresolvedLink, notAFolderOf } from '../../../shared/entries';
import { FerryError } from '../../../shared/errors';
import { displayName, joinPath } from '../../../shared/names';
import { errorMessage } from '../ipc/ferry';

/** Where a pane's folders come from and how it changes them: the local disk or a connected site. */
export interface PaneSource {
  list(path: string): Promise<FolderListing>;
  mkdir(folder: string, name: string): Promise<void>;
  rename(folder: string, from: string, to: string): Promise<void>;
  remove(folder: string, names: string[]): Promise<void>;
}

/**
 * What a link of unknown type turned out to be when tried as a folder:
 * a folder; a file (with its size when the server said it); broken
 * (nothing there); or not found out, when the attempt failed for another
 * reason (a lost connection, say).
 */
export type LinkProbe =
  | { kind: 'folder' }
  | { kind: 'file'; size?: number }
  | { kind: 'broken'; reason: string }
  | { kind: 'failed'; reason: string };

/** What a double-click or Enter should do after `open`: nothing more, or send the entry across as a file. */
export type OpenOutcome = 'folder' | 'file' | 'none';

/** What a failed listing of a link says about it. */
function probeOfFailure(error: unknown): Exclude<LinkProbe, { kind: 'folder' }> {
  const found = error instanceof FerryError ? notAFolderOf(error.details) : undefined;
  if (found?.found === 'file') return found.size === undefined ? { kind: 'file' } : { kind: 'file', size: found.size };
  if (found?.found === 'nothing') return { kind: 'broken', reason: errorMessage(error) };
  // A server that cannot say what is there (no SIZE): a link it will not
  // enter is taken for a file, as FileZilla does; the download tells.
  if (error instanceof FerryError && (error.code === 'NOT_FOUND' || error.replyCode === 550)) return { kind: 'file' };
  return { kind: 'failed', reason: errorMessage(error) };
}

/** The message for a link that leads nowhere, known from the listing or found out by trying it. */
export function brokenLinkMessage(entry: FileEntry, reason?: string): string {
  const target = entry.linkTarget === undefined ? 'its target' : `its target "${displayName(entry.linkTarget)}"`;
  return reason === undefined
    ? `"${displayName(entry.name)}" is a broken link: ${target} cannot be found.`
    : `"${displayName(entry.name)}" seems to be a broken link: ${target} is neither a folder nor a file the server can open (${reason})`;
}

/** The entry once a probe found out what the link leads to; unchanged when the probe says too little to show. */
function resolvedEntry(entry: FileEntry, probe: LinkProbe): FileEntry {
  const known = { ...entry };
  delete known.linkTargetUnknown;
  if (probe.kind === 'folder') return { ...known, linkTargetType: 'directory' };
  if (probe.kind === 'file' && probe.size !== undefined) return { ...known, linkTargetType: 'file', size: probe.size };
  if (probe.kind === 'broken') return known;
  return entry;
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
  /**
   * Opens a folder, or a link to one. A link whose type the listing did not
   * say (FTP's LIST) is tried as a folder, as FileZilla does: if it is none,
   * the outcome is 'file' (and the row learns what it is), and the caller
   * sends it across as it does a file. A broken link gets a message in
   * `error`. Files (and other entries) come back as 'file' at once.
   */
  open: (entry: FileEntry) => Promise<OpenOutcome>;
  /**
   * Finds out what a link of unknown type in `folder` is, without leaving
   * the folder shown (by listing the link: it lists if it is a folder), and
   * shows what was learnt in its row. For queueing such a link.
   */
  probeLink: (folder: string, name: string) => Promise<LinkProbe>;
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
    /**
     * Lists `path` and shows it. Resolves with the failure, if any, and
     * whether this was still the newest navigation when it failed (only
     * then may the failure be shown).
     */
    const navigate = async (path: string): Promise<{ error: unknown; current: boolean } | null> => {
      const ticket = ++latestLoad;
      set({ loading: true });
      try {
        const listing = await source.list(path);
        if (ticket !== latestLoad) return null;
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
        return null;
      } catch (error) {
        const current = ticket === latestLoad;
        if (current) set({ loading: false });
        return { error, current };
      }
    };

    /** Shows in a link's row what a probe learnt, if the pane still shows the link's folder. */
    const remember = (folder: string, name: string, probe: LinkProbe): void => {
      const listing = get().listing;
      if (listing?.path !== folder) return;
      set({
        listing: {
          ...listing,
          entries: listing.entries.map((entry) =>
            entry.name === name && isUnresolvedLink(entry) ? resolvedEntry(entry, probe) : entry,
          ),
        },
      });
    };

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
        const failure = await navigate(path);
        if (failure?.current) set({ error: errorMessage(failure.error) });
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
        if (!listing) return 'none';
        const path = joinPath(listing.path, entry.name, listing.separator);
        if (isFolderLike(entry)) {
          await get().load(path);
          return 'folder';
        }
        if (isBrokenLink(entry)) {
          set({ error: brokenLinkMessage(entry) });
          return 'none';
        }
        if (!isUnresolvedLink(entry)) return 'file';
        const failure = await navigate(path);
        if (failure === null) return 'folder';
        // The user went elsewhere meanwhile: what this link is no longer matters.
        if (!failure.current) return 'none';
        const probe = probeOfFailure(failure.error);
        remember(listing.path, entry.name, probe);
        if (probe.kind === 'file') return 'file';
        set({ error: probe.kind === 'broken' ? brokenLinkMessage(entry, probe.reason) : probe.reason });
        return 'none';
      },

      async probeLink(folder, name) {
        const listing = get().listing;
        const separator = listing?.separator ?? '/';
        let probe: LinkProbe;
        try {
          await source.list(joinPath(folder, name, separator));
          probe = { kind: 'folder' };
        } catch (error) {
          probe = probeOfFailure(error);
        }
        remember(folder, name, probe);
        return probe;
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
