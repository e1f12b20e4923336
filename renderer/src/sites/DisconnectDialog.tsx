import { Dialog, initialFocus } from '../prompts/Dialog';

/**
 * Asked on Disconnect while transfers to the server run: they have
 * connections of their own and would go on after the browsing one closes,
 * so the user chooses to stop them (paused, to resume later) or let them
 * finish. Escape and Cancel keep everything as it is.
 */
export function DisconnectDialog({
  site,
  running,
  onStop,
  onLetFinish,
  onCancel,
}: {
  site: string;
  running: number;
  onStop: () => void;
  onLetFinish: () => void;
  onCancel: () => void;
}) {
  const transfers = running === 1 ? 'One transfer' : `${running.toLocaleString()} transfers`;
  return (
    <Dialog title="Transfers are running" onCancel={onCancel}>
      <p className="dialog-message">
        {transfers} to {site} {running === 1 ? 'is' : 'are'} still running, on connections of{' '}
        {running === 1 ? 'its' : 'their'} own: disconnecting does not stop {running === 1 ? 'it' : 'them'}. Stopped,{' '}
        {running === 1 ? 'it waits' : 'they wait'} in the queue, paused, and can resume from where{' '}
        {running === 1 ? 'it' : 'they'} stopped.
      </p>
      <div className="dialog-buttons">
        <button type="button" onClick={onStop}>
          Stop and disconnect
        </button>
        <button type="button" onClick={onLetFinish}>
          {running === 1 ? 'Disconnect, let it finish' : 'Disconnect, let them finish'}
        </button>
        <button type="button" {...initialFocus} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
