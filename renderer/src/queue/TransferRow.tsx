import { formatSize } from '../../../shared/format';
import { displayName } from '../../../shared/names';
import { remoteBaseName } from '../../../shared/remotePath';
import type { TransferJob } from '../../../shared/transfers';
import { useSession } from '../stores/session';
import { useTransfers, type JobAction } from '../stores/transfers';

/** Fixed row height, so the list virtualizes exactly. */
export const TRANSFER_ROW_HEIGHT = 28;

const STATE_TEXT: Record<TransferJob['state'], string> = {
  queued: 'Waiting',
  running: 'Transferring',
  paused: 'Paused',
  done: 'Done',
  skipped: 'Skipped',
  failed: 'Failed',
  canceled: 'Canceled',
};

/** The buttons a row offers, and in which states. */
const ACTIONS: readonly { action: JobAction; label: string; shownWhen: readonly TransferJob['state'][] }[] = [
  { action: 'pause', label: 'Pause', shownWhen: ['queued', 'running'] },
  { action: 'resume', label: 'Resume', shownWhen: ['paused'] },
  { action: 'cancel', label: 'Cancel', shownWhen: ['queued', 'running', 'paused'] },
  { action: 'retry', label: 'Retry', shownWhen: ['failed'] },
  { action: 'remove', label: 'Remove', shownWhen: ['failed'] },
];

/**
 * A failure's reason as the row shows it: without the `Cannot upload "/path": `
 * the row already says, so a narrow column shows the server's words; the
 * code after it, to find in the log. The whole message is the tooltip.
 */
function failureText(error: TransferJob['error']): string {
  const message = error?.message ?? 'failed';
  const reason = message.replace(/^Cannot [^"]*"[^"]*": /, '');
  return `${reason} (${error?.code ?? 'ERROR'})`;
}

/**
 * What a row says about its job. A queued job of a server the window is not
 * connected to waits for that connection, and says so (the queue carries
 * on with it once the server is connected again).
 */
function statusText(job: TransferJob, connectedSite: string | undefined): string {
  if (job.state === 'failed' || (job.state === 'queued' && job.error !== undefined)) {
    const prefix = job.state === 'queued' ? `Retrying (attempt ${job.attempts + 1}) after: ` : '';
    return `${prefix}${failureText(job.error)}`;
  }
  if (job.state === 'done' && job.kind === 'file') {
    // A matching size is a check, not proof: only a hash is called verified.
    if (job.verified === undefined || job.verified === 'none') return 'Done';
    return job.verified === 'size' ? 'Done, size checked' : `Done, verified (${job.verified})`;
  }
  if (job.kind === 'folder' && job.state === 'running') return 'Listing folder';
  if (job.state === 'queued' && job.site !== connectedSite) return `Waiting for ${job.site} to be connected`;
  return STATE_TEXT[job.state];
}

/** One transfer: its name, direction, size, a progressbar, its status and what can be done with it. */
export function TransferRow({ job, rowIndex, top }: { job: TransferJob; rowIndex: number; top: number }) {
  const act = useTransfers((state) => state.act);
  const moveToTop = useTransfers((state) => state.moveToTop);
  const connectedSite = useSession((state) => state.site?.site);
  const name = remoteBaseName(job.remotePath) || job.remotePath;
  const percent =
    job.size !== null && job.size > 0
      ? Math.min(100, Math.round((job.transferred / job.size) * 100))
      : job.state === 'done'
        ? 100
        : 0;
  const from = job.direction === 'download' ? job.remotePath : job.localPath;
  const to = job.direction === 'download' ? job.localPath : job.remotePath;

  return (
    <div
      role="row"
      aria-rowindex={rowIndex}
      aria-label={name}
      className={`queue-row state-${job.state}`}
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        right: 0,
        height: TRANSFER_ROW_HEIGHT,
        transform: `translateY(${top}px)`,
      }}
    >
      <span role="cell" className="queue-name" title={`${job.site}: ${from} → ${to}`}>
        <span aria-hidden="true" className={`icon icon-${job.kind === 'folder' ? 'folder' : 'file'}`} />
        {displayName(name)}
      </span>
      <span role="cell" title={job.direction === 'download' ? 'Download' : 'Upload'}>
        {job.direction === 'download' ? '↓ Down' : '↑ Up'}
      </span>
      <span role="cell" className="queue-size">
        {job.size === null ? '' : formatSize(job.size)}
      </span>
      <span role="cell">
        <progress
          max={100}
          value={percent}
          aria-label={`${name} progress`}
          aria-valuetext={`${percent}%, ${formatSize(job.transferred)}`}
        />
      </span>
      <span
        role="cell"
        className="queue-status"
        title={job.error === undefined ? statusText(job, connectedSite) : `${job.error.message} (${job.error.code})`}
      >
        {statusText(job, connectedSite)}
      </span>
      <span role="cell" className="queue-actions">
        {(job.state === 'queued' || job.state === 'paused') && (
          <button
            type="button"
            className="queue-top"
            aria-label="Move to top"
            title="Move to top: transfer next"
            onClick={() => void moveToTop(job.id)}
          >
            ⤒
          </button>
        )}
        {ACTIONS.filter(({ shownWhen }) => shownWhen.includes(job.state)).map(({ action, label }) => (
          <button key={action} type="button" onClick={() => void act(action, job.id)}>
            {label}
          </button>
        ))}
      </span>
    </div>
  );
}
