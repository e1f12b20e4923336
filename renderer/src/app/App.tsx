import { useEffect } from 'react';
import { LogPanel } from '../log/LogPanel';
import { LocalPane } from '../panes/LocalPane';
import { RemotePane } from '../panes/RemotePane';
import { PendingPrompts } from '../prompts/PendingPrompts';
import { QueuePanel } from '../queue/QueuePanel';
import { refreshOnArrival } from '../queue/refreshOnArrival';
import { QuickConnectBar } from '../sites/QuickConnectBar';
import { TftpServerPanel } from '../tftp/TftpServerPanel';

/** The main window: the quick-connect bar, two panes side by side, the queue, the log and the TFTP server below. */
export function App() {
  useEffect(() => refreshOnArrival(), []);

  return (
    <div className="app">
      <QuickConnectBar />
      <main className="panes">
        <LocalPane />
        <RemotePane />
      </main>
      <div className="bottom">
        <QueuePanel />
        <LogPanel />
        <TftpServerPanel />
      </div>
      <PendingPrompts />
    </div>
  );
}
