import { useEffect } from 'react';
import { queueFromPanes } from '../queue/queueFromPanes';
import { useRemotePane } from '../stores/remotePane';
import { useSession } from '../stores/session';
import { Pane } from './Pane';

/**
 * The connected server's files; selected ones download to the local
 * pane's folder. Until a session is open the pane is empty and off, as in
 * every two-pane client before the first connection.
 */
export function RemotePane() {
  const site = useSession((state) => state.site);

  // A new site starts in its login folder; a disconnect empties the pane.
  useEffect(() => {
    const pane = useRemotePane.getState();
    pane.reset();
    if (site?.capabilities.list) void pane.load(site.initialFolder);
  }, [site]);

  const idleText =
    site === null
      ? 'Not connected.'
      : site.capabilities.list
        ? ''
        : 'This server cannot list folders (TFTP). Drop files here to upload them.';

  return (
    <Pane
      side="remote"
      usePane={useRemotePane}
      title="Remote"
      enabled={site !== null}
      idleText={idleText}
      transferLabel="Download"
      canTransfer={site !== null}
      onTransfer={(names) => void queueFromPanes('download', names)}
      onReceive={(names) => void queueFromPanes('upload', names)}
    />
  );
}
