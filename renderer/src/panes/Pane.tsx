import { useMemo, useState, type DragEvent, type ReactNode } from 'react';
import { isFolderLike, sortEntries, type FileEntry } from '../../../shared/entries';
import { formatSize } from '../../../shared/format';
import { ConfirmDialog } from '../prompts/ConfirmDialog';
import { NameDialog } from '../prompts/NameDialog';
import type { PaneStore } from '../stores/paneStore';
import { FileGrid } from './FileGrid';
import { PathBox } from './PathBox';
import { draggedEntries, startEntryDrag, type PaneSide } from './entryDrag';

/** An open dialog and the folder it was opened in, which is where it acts (see the pane store's mkdir/rename/remove). */
type PaneDialog =
  | { kind: 'mkdir'; folder: string }
  | { kind: 'rename'; folder: string; name: string }
  | { kind: 'delete'; folder: string; names: string[] }
  | null;

export interface PaneProps {
  side: PaneSide;
  usePane: PaneStore;
  /** Short visible title, e.g. `Local`. */
  title: string;
  /** While false the pane is empty and its controls are off (the remote pane before connecting). */
  enabled: boolean;
  /** Shown in place of rows while the pane is off or has nothing listed. */
  idleText: string;
  /** The toolbar button that sends the selection to the other pane, e.g. `Upload`. */
  transferLabel: string;
  canTransfer: boolean;
  /** Sends entries of this pane to the folder the other pane shows. */
  onTransfer: (names: string[]) => void;
  /** Entries of the other pane dropped here. */
  onReceive: (names: string[], sourceFolder: string | null) => void;
  /** More toolbar buttons for this side, given the selected entries. */
  renderActions?: (selected: readonly FileEntry[]) => ReactNode;
}

const SIDE_NAMES: Record<PaneSide, { region: string; path: string; grid: string; actions: string }> = {
  local: {
    region: 'Local files',
    path: 'Local path',
    grid: 'Local folder contents',
    actions: 'Local folder actions',
  },
  remote: {
    region: 'Remote files',
    path: 'Remote path',
    grid: 'Remote folder contents',
    actions: 'Remote folder actions',
  },
};

/**
 * One file pane: browse, sort, filter hidden files, create, rename and
 * delete, and move files to the other pane by button, by Enter or
 * double-click on a file, or by dragging them across.
 */
export function Pane(props: PaneProps) {
  const pane = props.usePane();
  const [dialog, setDialog] = useState<PaneDialog>(null);
  const [dropping, setDropping] = useState(false);
  const names = SIDE_NAMES[props.side];
  const listing = props.enabled ? pane.listing : null;

  const entries = useMemo(() => {
    const all = listing?.entries ?? [];
    return sortEntries(pane.showHidden ? all : all.filter((e) => !e.hidden), pane.sort);
  }, [listing, pane.showHidden, pane.sort]);

  const selectedNames = entries.filter((e) => pane.selected.has(e.name)).map((e) => e.name);
  const files = entries.filter((e) => !isFolderLike(e));
  const folders = entries.length - files.length;
  const totalBytes = files.reduce((sum, e) => sum + e.size, 0);

  const command = (name: 'up' | 'delete' | 'rename' | 'refresh'): void => {
    if (!listing) return;
    if (name === 'up') void pane.goUp();
    else if (name === 'refresh') void pane.refresh();
    else if (name === 'delete' && selectedNames.length > 0) {
      setDialog({ kind: 'delete', folder: listing.path, names: selectedNames });
    } else if (name === 'rename' && selectedNames.length === 1 && selectedNames[0] !== undefined) {
      setDialog({ kind: 'rename', folder: listing.path, name: selectedNames[0] });
    }
  };

  const activate = (entry: FileEntry): void => {
    // Folders open; files go to the other side, as a double-click does in
    // FileZilla. A link the listing did not type is tried as a folder first.
    void pane.open(entry).then((outcome) => {
      if (outcome === 'file' && props.canTransfer) props.onTransfer([entry.name]);
    });
  };

  const acceptsDrop = (event: DragEvent): boolean =>
    props.canTransfer && draggedEntries(event.dataTransfer, props.side) !== null;

  return (
    <section
      className={`pane${dropping ? ' drop-target' : ''}`}
      aria-label={names.region}
      onDragOver={(event) => {
        if (!acceptsDrop(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDropping(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropping(false);
      }}
      onDrop={(event) => {
        setDropping(false);
        const dragged = draggedEntries(event.dataTransfer, props.side);
        if (dragged === null || !props.canTransfer) return;
        event.preventDefault();
        props.onReceive(dragged.names, dragged.folder);
      }}
    >
      <div className="pane-toolbar" role="toolbar" aria-label={names.actions}>
        <span className="pane-title">{props.title}</span>
        <button
          type="button"
          onClick={() => command('up')}
          disabled={!listing?.parent}
          title="Parent folder (Backspace)"
        >
          Up
        </button>
        <button type="button" onClick={() => command('refresh')} disabled={!listing} title="Refresh (F5)">
          Refresh
        </button>
        <button
          type="button"
          onClick={() => listing && setDialog({ kind: 'mkdir', folder: listing.path })}
          disabled={!listing}
        >
          New folder
        </button>
        <button
          type="button"
          onClick={() => command('rename')}
          disabled={!listing || selectedNames.length !== 1}
          title="Rename (F2)"
        >
          Rename
        </button>
        <button
          type="button"
          onClick={() => command('delete')}
          disabled={!listing || selectedNames.length === 0}
          title="Delete (Del)"
        >
          Delete
        </button>
        <button
          type="button"
          onClick={() => props.onTransfer(selectedNames)}
          disabled={!props.canTransfer || selectedNames.length === 0}
          title="Transfer the selection to the folder shown in the other pane (or drag it there)"
        >
          {props.transferLabel}
        </button>
        {props.renderActions?.(entries.filter((e) => pane.selected.has(e.name)))}
      </div>
      <div className="pane-location">
        <PathBox
          label={names.path}
          path={listing?.path ?? ''}
          disabled={!props.enabled}
          onNavigate={(path) => void pane.load(path)}
        />
        {pane.error !== null && props.enabled && (
          <div className="pane-error" role="alert">
            <span>{pane.error}</span>
            <button type="button" aria-label="Dismiss error" onClick={pane.clearError}>
              ×
            </button>
          </div>
        )}
      </div>
      <FileGrid
        label={names.grid}
        entries={entries}
        sort={pane.sort}
        onSort={pane.sortBy}
        selected={pane.selected}
        focused={pane.focused}
        anchor={pane.anchor}
        onSelectionChange={pane.setSelection}
        onActivate={activate}
        onCommand={command}
        onRowDragStart={
          props.canTransfer
            ? (entry, event) => {
                // Dragging an unselected row drags that row alone, as file managers do.
                const dragged = pane.selected.has(entry.name) ? selectedNames : [entry.name];
                if (!pane.selected.has(entry.name)) pane.setSelection(new Set([entry.name]), entry.name, entry.name);
                if (listing) startEntryDrag(event.dataTransfer, props.side, listing.path, dragged);
              }
            : undefined
        }
        emptyText={pane.loading ? 'Loading…' : listing ? 'This folder is empty.' : props.idleText}
      />
      {/* A view setting, beside the totals it changes: the toolbar keeps its room for commands. */}
      <div className="pane-footer">
        <div className="pane-status" aria-live="polite">
          {!listing
            ? props.idleText
            : `${selectedNames.length > 0 ? `${selectedNames.length} selected. ` : ''}${files.length} ${files.length === 1 ? 'file' : 'files'} and ${folders} ${folders === 1 ? 'folder' : 'folders'}. Total size: ${formatSize(totalBytes)}`}
        </div>
        <label className="toggle">
          <input type="checkbox" checked={pane.showHidden} onChange={(e) => pane.setShowHidden(e.target.checked)} />
          Show hidden files
        </label>
      </div>

      {dialog?.kind === 'mkdir' && (
        <NameDialog
          title="New folder"
          fieldLabel="Folder name"
          initial=""
          confirmLabel="Create"
          onCancel={() => setDialog(null)}
          onConfirm={(name) => {
            setDialog(null);
            void pane.mkdir(dialog.folder, name);
          }}
        />
      )}
      {dialog?.kind === 'rename' && (
        <NameDialog
          title="Rename"
          fieldLabel="New name"
          initial={dialog.name}
          confirmLabel="Rename"
          onCancel={() => setDialog(null)}
          onConfirm={(name) => {
            setDialog(null);
            void pane.rename(dialog.folder, dialog.name, name);
          }}
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title="Confirm delete"
          message={
            dialog.names.length === 1
              ? `Delete "${dialog.names[0] ?? ''}" permanently? Folders are deleted with everything in them.`
              : `Delete ${dialog.names.length} items permanently? Folders are deleted with everything in them.`
          }
          confirmLabel="Delete"
          onCancel={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            void pane.remove(dialog.folder, dialog.names);
          }}
        />
      )}
    </section>
  );
}
