import { useState } from 'react';
import { isFolderLike } from '../../../shared/entries';
import { NameDialog } from '../prompts/NameDialog';
import { VerifyChecksumDialog } from '../prompts/VerifyChecksumDialog';
import { namedDownloadProblem, queueFromPanes, queueNamedDownload } from '../queue/queueFromPanes';
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
  /** The file being verified, and the folder it was picked in. */
  const [verifying, setVerifying] = useState<{ name: string; folder: string } | null>(null);
  const [naming, setNaming] = useState(false);
  const canList = site?.capabilities.list ?? true;

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
        onReceive={(names, sourceFolder) => void queueFromPanes('upload', names, { sourceFolder })}
        renderActions={(selected) => {
          if (!canList) {
            return (
              <button type="button" onClick={() => setNaming(true)} title="TFTP cannot list: name the file to fetch">
                Download file…
              </button>
            );
          }
          const file = selected.length === 1 && selected[0] && !isFolderLike(selected[0]) ? selected[0] : null;
          return (
            <button
              type="button"
              disabled={file === null}
              onClick={() => {
                const folder = useRemotePane.getState().listing?.path;
                if (file && folder !== undefined) setVerifying({ name: file.name, folder });
              }}
              title="Download one file and check it against the hash its publisher gives"
              aria-label="Download and verify…"
            >
              {/* A narrow pane shows the short label; the name stays the whole one. */}
              <span className="label-long" aria-hidden="true">
                Download and verify…
              </span>
              <span className="label-short" aria-hidden="true">
                Verify…
              </span>
            </button>
          );
        }}
      />
      {naming && (
        <NameDialog
          title="Download file"
          fieldLabel="File name on the server"
          initial=""
          confirmLabel="Download"
          problemOf={namedDownloadProblem}
          onCancel={() => setNaming(false)}
          onConfirm={(name) => {
            setNaming(false);
            void queueNamedDownload(name);
          }}
        />
      )}
      {verifying !== null && (
        <VerifyChecksumDialog
          name={verifying.name}
          onCancel={() => setVerifying(null)}
          onVerify={(expectedHash) => {
            setVerifying(null);
            void queueFromPanes('download', [verifying.name], { expectedHash, sourceFolder: verifying.folder });
          }}
        />
      )}
    </>
  );
}
