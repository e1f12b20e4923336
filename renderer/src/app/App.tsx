import { LogPanel } from '../log/LogPanel';
import { LocalPane } from '../panes/LocalPane';
import { RemotePane } from '../panes/RemotePane';
import { QueuePanel } from '../queue/QueuePanel';
import { TftpServerPanel } from '../tftp/TftpServerPanel';

/** The main window: two panes side by side, the queue, the log and the TFTP server below. */
export function App() {
  return (
    <div className="app">
      <main className="panes">
        <LocalPane />
        <RemotePane />
      </main>
      <div className="bottom">
        <QueuePanel />
        <LogPanel />
        <TftpServerPanel />
      </div>
    </div>
  );
}
