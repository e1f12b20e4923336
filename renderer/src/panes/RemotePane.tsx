import { useEffect, useState } from 'react';
import { isFolderLike } from '../../../shared/entries';
import { VerifyChecksumDialog } from '../prompts/VerifyChecksumDialog';
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
  const [verifying, setVerifying] = useState<string | null>(null);

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
    <>
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
        renderActions={(selected) => {
          const file = selected.length === 1 && selected[0] && !isFolderLike(selected[0]) ? selected[0] : null;
          return (
            <button
              type="button"
              disabled={file === null}
              onClick={() => file && setVerifying(file.name)}
              title="Download one file and check it against the hash its publisher gives"
            >
              Download and verify…
            </button>
          );
        }}
      />
      {verifying !== null && (
        <VerifyChecksumDialog
          name={verifying}
          onCancel={() => setVerifying(null)}
          onVerify={(expectedHash) => {
            setVerifying(null);
            void queueFromPanes('download', [verifying], { expectedHash });
          }}
        />
      )}
    </>
  );
}
