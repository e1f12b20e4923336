import { useEffect, useMemo, useState } from 'react';
import { isFolderLike, sortEntries } from '../../../shared/entries';
import { formatSize } from '../../../shared/format';
import { ConfirmDialog } from '../prompts/ConfirmDialog';
import { NameDialog } from '../prompts/NameDialog';
import { useLocalPane } from '../stores/localPane';
import { FileGrid } from './FileGrid';
import { PathBox } from './PathBox';

type PaneDialog = { kind: 'mkdir' } | { kind: 'rename'; name: string } | { kind: 'delete'; names: string[] } | null;

/** The local file system: browse, sort, filter hidden files, create, rename and delete. */
export function LocalPane() {
  const pane = useLocalPane();
  const [dialog, setDialog] = useState<PaneDialog>(null);

  useEffect(() => {
    void useLocalPane.getState().loadHome();
  }, []);

  const entries = useMemo(() => {
    const all = pane.listing?.entries ?? [];
    return sortEntries(pane.showHidden ? all : all.filter((e) => !e.hidden), pane.sort);
  }, [pane.listing, pane.showHidden, pane.sort]);

  const selectedNames = entries.filter((e) => pane.selected.has(e.name)).map((e) => e.name);
  const files = entries.filter((e) => !isFolderLike(e));
  const folders = entries.length - files.length;
  const totalBytes = files.reduce((sum, e) => sum + e.size, 0);

  const command = (name: 'up' | 'delete' | 'rename' | 'refresh'): void => {
    if (name === 'up') void pane.goUp();
    else if (name === 'refresh') void pane.refresh();
    else if (name === 'delete' && selectedNames.length > 0) setDialog({ kind: 'delete', names: selectedNames });
    else if (name === 'rename' && selectedNames.length === 1 && selectedNames[0] !== undefined) {
      setDialog({ kind: 'rename', name: selectedNames[0] });
    }
  };

  return (
    <section className="pane" aria-label="Local files">
      <div className="pane-toolbar" role="toolbar" aria-label="Local folder actions">
        <span className="pane-title">Local</span>
        <button
          type="button"
          onClick={() => command('up')}
          disabled={!pane.listing?.parent}
          title="Parent folder (Backspace)"
        >
          Up
        </button>
        <button type="button" onClick={() => command('refresh')} disabled={!pane.listing} title="Refresh (F5)">
          Refresh
        </button>
        <button type="button" onClick={() => setDialog({ kind: 'mkdir' })} disabled={!pane.listing}>
          New folder
        </button>
        <button
          type="button"
          onClick={() => command('rename')}
          disabled={selectedNames.length !== 1}
          title="Rename (F2)"
        >
          Rename
        </button>
        <button
          type="button"
          onClick={() => command('delete')}
          disabled={selectedNames.length === 0}
          title="Delete (Del)"
        >
          Delete
        </button>
        <label className="toggle">
          <input type="checkbox" checked={pane.showHidden} onChange={(e) => pane.setShowHidden(e.target.checked)} />
          Show hidden files
        </label>
      </div>
      <PathBox label="Local path" path={pane.listing?.path ?? ''} onNavigate={(path) => void pane.load(path)} />
      {pane.error !== null && (
        <div className="pane-error" role="alert">
          <span>{pane.error}</span>
          <button type="button" aria-label="Dismiss error" onClick={pane.clearError}>
            ×
          </button>
        </div>
      )}
      <FileGrid
        label="Local folder contents"
        entries={entries}
        sort={pane.sort}
        onSort={pane.sortBy}
        selected={pane.selected}
        focused={pane.focused}
        anchor={pane.anchor}
        onSelectionChange={pane.setSelection}
        onActivate={(entry) => void pane.open(entry)}
        onCommand={command}
        emptyText={pane.loading ? 'Loading…' : pane.listing ? 'This folder is empty.' : ''}
      />
      <div className="pane-status" aria-live="polite">
        {selectedNames.length > 0 ? `${selectedNames.length} selected. ` : ''}
        {`${files.length} ${files.length === 1 ? 'file' : 'files'} and ${folders} ${folders === 1 ? 'folder' : 'folders'}. Total size: ${formatSize(totalBytes)}`}
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
            void pane.mkdir(name);
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
            void pane.rename(dialog.name, name);
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
            void pane.remove(dialog.names);
          }}
        />
      )}
    </section>
  );
}
