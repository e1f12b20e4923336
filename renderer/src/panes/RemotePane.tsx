import { FileGrid } from './FileGrid';
import { PathBox } from './PathBox';

const NO_SELECTION: ReadonlySet<string> = new Set();

/**
 * The remote side. Until a session is open it shows an empty, disabled pane,
 * as every two-pane client does before the first connection.
 */
export function RemotePane() {
  return (
    <section className="pane" aria-label="Remote files">
      <div className="pane-toolbar" role="toolbar" aria-label="Remote folder actions">
        <span className="pane-title">Remote</span>
      </div>
      <PathBox label="Remote path" path="" disabled onNavigate={() => {}} />
      <FileGrid
        label="Remote folder contents"
        entries={[]}
        sort={{ key: 'name', direction: 'ascending' }}
        onSort={() => {}}
        selected={NO_SELECTION}
        focused={null}
        anchor={null}
        onSelectionChange={() => {}}
        onActivate={() => {}}
        onCommand={() => {}}
        emptyText="Not connected to any server."
      />
      <div className="pane-status">Not connected.</div>
    </section>
  );
}
