import { localParent } from '../../../shared/names';
import { remoteParent } from '../../../shared/remotePath';
import type { TransferJob } from '../../../shared/transfers';
import { useLocalPane } from '../stores/localPane';
import type { PaneStore } from '../stores/paneStore';
import { useRemotePane } from '../stores/remotePane';
import { useTransfers } from '../stores/transfers';

/** A burst of arrivals (a folder of small files) refreshes a pane once. */
const REFRESH_DELAY_MS = 300;

function scheduler(pane: PaneStore): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    timer ??= setTimeout(() => {
      timer = null;
      void pane.getState().refresh();
    }, REFRESH_DELAY_MS);
  };
}

/**
 * Refreshes a pane when a transfer finishes in (or creates a folder
 * inside) the folder it shows, so arrivals appear without pressing F5.
 * Returns the unsubscribe function.
 */
export function refreshOnArrival(): () => void {
  const refreshLocal = scheduler(useLocalPane);
  const refreshRemote = scheduler(useRemotePane);
  const arrivedIn = (job: TransferJob): { local: boolean; remote: boolean } => {
    const local = useLocalPane.getState().listing?.path;
    const remote = useRemotePane.getState().listing?.path;
    return job.direction === 'download'
      ? { local: local !== undefined && localParent(job.localPath) === local, remote: false }
      : { local: false, remote: remote !== undefined && remoteParent(job.remotePath) === remote };
  };

  return useTransfers.subscribe((state, previous) => {
    if (state.jobs === previous.jobs) return;
    for (const [id, job] of state.jobs) {
      const before = previous.jobs.get(id);
      const finished = job.state === 'done' && before?.state !== 'done';
      // A folder job creates its folder when it starts listing.
      const folderStarted = job.kind === 'folder' && job.state === 'running' && before?.state !== 'running';
      if (!finished && !folderStarted) continue;
      const where = arrivedIn(job);
      if (where.local) refreshLocal();
      if (where.remote) refreshRemote();
    }
  });
}
