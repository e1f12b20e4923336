import { useEffect, useState, type SyntheticEvent } from 'react';
import type { TftpServerStatus, TftpServerTransfer } from '../../../shared/contract';
import { formatSize } from '../../../shared/format';
import { displayName } from '../../../shared/names';
import { useLocalPane } from '../stores/localPane';
import { useTftpServer } from '../stores/tftpServer';

/** A high port that needs no privileges; 69 is TFTP's own but needs them. */
const DEFAULT_PORT = '6969';
const DEFAULT_ADDRESS = '127.0.0.1';

function describeStatus(status: TftpServerStatus): string {
  if (!status.running) return 'Stopped';
  const where = status.address?.includes(':') ? `[${status.address}]` : (status.address ?? '');
  const access = status.writable
    ? status.overwrite
      ? 'uploads and overwriting allowed'
      : 'uploads allowed'
    : 'read-only';
  return `Serving ${status.folder ?? ''} on ${where}:${String(status.port ?? '')} (${access})`;
}

function describeResult(transfer: TftpServerTransfer): string {
  if (transfer.state === 'running') {
    return transfer.size !== null && transfer.size > 0
      ? `${Math.floor((100 * transfer.bytes) / transfer.size)}%`
      : 'running';
  }
  return transfer.state === 'done' ? 'done' : `failed: ${transfer.error ?? ''}`;
}

function parsePort(text: string): number | null {
  if (!/^[0-9]{1,5}$/.test(text.trim())) return null;
  const port = Number(text.trim());
  return port >= 1 && port <= 65535 ? port : null;
}

/**
 * Ferry's TFTP server: pick a folder (the local pane's by default), an
 * address and a port, whether uploads and overwriting are allowed, and
 * start it; its transfers appear live below.
 */
export function TftpServerPanel() {
  const server = useTftpServer();
  const localFolder = useLocalPane((state) => state.listing?.path ?? '');
  // Until the user types a folder, the server follows the local pane.
  const [folder, setFolder] = useState<string | null>(null);
  const [address, setAddress] = useState(DEFAULT_ADDRESS);
  const [port, setPort] = useState(DEFAULT_PORT);
  const [uploads, setUploads] = useState(false);
  const [overwriting, setOverwriting] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);

  useEffect(() => {
    useTftpServer.getState().start();
  }, []);

  const { running } = server.status;
  const shownFolder = running ? (server.status.folder ?? '') : (folder ?? localFolder);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (running) {
      void server.stop();
      return;
    }
    const portNumber = parsePort(port);
    if (portNumber === null) {
      setInvalid('The port must be a number from 1 to 65535');
      return;
    }
    if (shownFolder.trim() === '') {
      setInvalid('Choose a folder to serve');
      return;
    }
    setInvalid(null);
    void server.serve({
      folder: shownFolder.trim(),
      address: address.trim(),
      port: portNumber,
      writable: uploads,
      overwrite: uploads && overwriting,
    });
  };

  const problem = invalid ?? server.error;

  return (
    <section className="panel tftp-panel" aria-label="TFTP server">
      <h2 className="panel-title">TFTP server</h2>
      <form className="tftp-form" onSubmit={submit}>
        <label className="tftp-field tftp-folder">
          Folder
          <input
            type="text"
            aria-label="TFTP folder"
            value={shownFolder}
            disabled={running}
            spellCheck={false}
            onChange={(e) => setFolder(e.target.value)}
          />
        </label>
        <label className="tftp-field">
          Address
          <input
            type="text"
            aria-label="TFTP address"
            value={running ? (server.status.address ?? '') : address}
            disabled={running}
            spellCheck={false}
            onChange={(e) => setAddress(e.target.value)}
          />
        </label>
        <label className="tftp-field tftp-port">
          Port
          <input
            type="text"
            inputMode="numeric"
            aria-label="TFTP port"
            aria-describedby="tftp-port-note"
            value={running ? String(server.status.port ?? '') : port}
            disabled={running}
            onChange={(e) => setPort(e.target.value)}
          />
        </label>
        <p id="tftp-port-note" className="tftp-note">
          Port 69 is TFTP’s own but needs administrator privileges; a port above 1023, such as 6969, does not.
        </p>
        <div className="tftp-options">
          <label>
            <input
              type="checkbox"
              checked={running ? server.status.writable : uploads}
              disabled={running}
              onChange={(e) => setUploads(e.target.checked)}
            />
            Allow uploads
          </label>
          <label>
            <input
              type="checkbox"
              checked={running ? server.status.overwrite : uploads && overwriting}
              disabled={running || !uploads}
              onChange={(e) => setOverwriting(e.target.checked)}
            />
            Allow overwriting
          </label>
          <button type="submit" disabled={server.busy}>
            {running ? 'Stop server' : 'Start server'}
          </button>
        </div>
      </form>
      <p className="tftp-status" role="status">
        {describeStatus(server.status)}
      </p>
      {problem !== null && (
        <p className="tftp-error" role="alert">
          {problem}
        </p>
      )}
      <div role="table" aria-label="TFTP transfers" className="tftp-transfers">
        <div role="rowgroup">
          <div role="row" className="tftp-row tftp-head">
            <span role="columnheader" className="tftp-client">
              Client
            </span>
            <span role="columnheader">File</span>
            <span role="columnheader">Direction</span>
            <span role="columnheader">Bytes</span>
            <span role="columnheader">Result</span>
          </div>
        </div>
        <div role="rowgroup">
          {server.transfers.length === 0 ? (
            <p className="panel-empty">No transfers yet.</p>
          ) : (
            server.transfers.map((transfer) => (
              <div
                role="row"
                key={transfer.id}
                aria-label={displayName(transfer.file)}
                className={`tftp-row tftp-${transfer.state}`}
              >
                <span role="cell" className="tftp-client">
                  {transfer.client}
                </span>
                <span role="cell" title={`${displayName(transfer.file)} (${transfer.client})`}>
                  {displayName(transfer.file)}
                </span>
                <span role="cell">{transfer.direction === 'read' ? 'Sent' : 'Received'}</span>
                <span role="cell" className="col-size">
                  {formatSize(transfer.bytes)}
                </span>
                <span role="cell" title={describeResult(transfer)}>
                  {describeResult(transfer)}
                </span>
              </div>
            ))
          )}
        </div>
      </div>
    </section>
  );
}
