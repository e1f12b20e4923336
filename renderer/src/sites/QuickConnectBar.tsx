import { useEffect, useState, type SyntheticEvent } from 'react';
import { QUICK_CONNECT_PROTOCOLS, type RemoteScheme } from '../../../shared/quickConnect';
import { defaultPort } from '../../../shared/url';
import { useSession } from '../stores/session';
import { useTransfers } from '../stores/transfers';
import { DisconnectDialog } from './DisconnectDialog';

/**
 * The quick-connect bar: protocol, host, port, user and password, and
 * passive mode for FTP. Enter in any field connects. The password field
 * is emptied once the connection is made (Ferry then keeps the password
 * only in the main process for the session's lifetime); after a refused
 * login or a mistyped field it stays, so the person can correct and retry.
 */
export function QuickConnectBar() {
  const session = useSession();
  const [scheme, setScheme] = useState<RemoteScheme>('ftp');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [passive, setPassive] = useState(true);
  const isFtp = scheme === 'ftp' || scheme === 'ftpes' || scheme === 'ftps';
  /** The running transfers to the server, while Disconnect asks what becomes of them. */
  const [runningOnDisconnect, setRunningOnDisconnect] = useState<string[] | null>(null);

  const disconnect = (): void => {
    const site = session.site?.site;
    const running = [...useTransfers.getState().jobs.values()]
      .filter((job) => job.site === site && job.state === 'running')
      .map((job) => job.id);
    if (running.length > 0) setRunningOnDisconnect(running);
    else void session.disconnect();
  };

  const stopAndDisconnect = async (ids: readonly string[]): Promise<void> => {
    const transfers = useTransfers.getState();
    await Promise.all(ids.map((id) => transfers.act('pause', id)));
    await session.disconnect();
  };

  useEffect(() => useSession.getState().start(), []);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (session.connecting) return;
    const form = { scheme, host, port, user, password, passive };
    void session.connect(form).then((used) => {
      if (used) setPassword('');
    });
  };

  return (
    <form className="quick-connect" aria-label="Quick connect" onSubmit={submit}>
      <label>
        Protocol
        <select value={scheme} onChange={(e) => setScheme(e.target.value as RemoteScheme)}>
          {QUICK_CONNECT_PROTOCOLS.map((p) => (
            <option key={p.scheme} value={p.scheme}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Host
        <input
          value={host}
          onChange={(e) => setHost(e.target.value)}
          placeholder="example.org or sftp://user@example.org"
          spellCheck={false}
          autoCapitalize="off"
          size={20}
        />
      </label>
      <label>
        Port
        <input
          value={port}
          onChange={(e) => setPort(e.target.value)}
          inputMode="numeric"
          placeholder={String(defaultPort(scheme))}
          size={5}
        />
      </label>
      <label>
        Username
        <input
          value={user}
          onChange={(e) => setUser(e.target.value)}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="username"
          size={10}
        />
      </label>
      <label>
        Password
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          size={10}
        />
      </label>
      <label
        className="toggle"
        title={isFtp ? 'Turn off when the server cannot accept passive data connections' : 'Only FTP has passive mode'}
      >
        <input type="checkbox" checked={passive} disabled={!isFtp} onChange={(e) => setPassive(e.target.checked)} />
        Passive mode
      </label>
      <button type="submit" disabled={session.connecting}>
        {session.connecting ? 'Connecting…' : 'Connect'}
      </button>
      <button type="button" onClick={disconnect} disabled={session.site === null}>
        Disconnect
      </button>
      {runningOnDisconnect !== null && session.site !== null && (
        <DisconnectDialog
          site={session.site.site}
          running={runningOnDisconnect.length}
          onStop={() => {
            setRunningOnDisconnect(null);
            void stopAndDisconnect(runningOnDisconnect);
          }}
          onLetFinish={() => {
            setRunningOnDisconnect(null);
            void session.disconnect();
          }}
          onCancel={() => setRunningOnDisconnect(null)}
        />
      )}
      {session.error !== null && (
        <div className="quick-connect-error" role="alert">
          <span>{session.error}</span>
          <button type="button" aria-label="Dismiss error" onClick={session.clearError}>
            ×
          </button>
        </div>
      )}
    </form>
  );
}
