import { FerryError, type FerryErrorShape } from '../../shared/errors.js';
import type { FerryUrl } from '../../shared/url.js';
import type { ConnectOptions } from '../core/remote/connectOptions.js';
import { openRemote } from '../core/remote/openRemote.js';
import type { RemoteFileSystem } from '../core/remote/remoteFileSystem.js';
import { SessionPool } from '../core/sessions/sessionPool.js';
import type { NewTransfer, TransferJob } from '../core/transfers/job.js';
import type { OverwritePolicy } from '../core/transfers/overwrite.js';
import { TransferQueue } from '../core/transfers/transferQueue.js';
import type { VerifyMode } from '../core/transfers/verify.js';
import type { CliContext } from './session.js';

export interface QueueRunOptions {
  parallel: number;
  verify: VerifyMode;
  overwrite: OverwritePolicy;
  sync: boolean;
  /** Bytes per second at most, each way; 0 for no limit. */
  limitRate: number;
}

/** What a transfer command reports: `--json` prints exactly this. */
export interface RunSummary {
  files: number;
  bytes: number;
  seconds: number;
  /** The weakest check any transferred file got: a hash algorithm, 'size' or 'none'. */
  verified: string;
  skipped: number;
  failed: number;
  failures: { path: string; error: FerryErrorShape }[];
}

const STRENGTH = ['none', 'size', 'crc32', 'md5', 'sha1', 'sha256', 'sha512'];

/** The site key the CLI's one site is known by in the queue. */
const SITE = 'cli';

/**
 * Runs transfers to one server through the same queue and session pool the
 * app uses, with `parallel` connections, and waits for all of them.
 */
export async function runQueue(
  target: FerryUrl,
  first: RemoteFileSystem,
  context: CliContext,
  connect: ConnectOptions,
  items: readonly Omit<NewTransfer, 'site'>[],
  options: QueueRunOptions,
): Promise<RunSummary> {
  const pool = new SessionPool({
    open: (signal) => openRemote(target, { ...connect, signal }),
    limit: options.parallel,
    log: connect.log,
  });
  // The session that resolved the paths does the first transfer too.
  pool.adopt(first);
  // Counted as jobs finish: the queue's successful list keeps only the latest 10,000.
  const finished = { files: 0, bytes: 0, skipped: 0, weakest: STRENGTH.length - 1 };
  const onFinished = (job: Readonly<TransferJob>): void => {
    if (job.state === 'skipped') finished.skipped += 1;
    if (job.kind !== 'file' || job.state !== 'done') return;
    finished.files += 1;
    finished.bytes += job.size ?? 0;
    finished.weakest = Math.min(finished.weakest, Math.max(0, STRENGTH.indexOf(job.verified ?? 'none')));
  };
  const queue = await TransferQueue.open({
    sites: { pool: () => pool, atomicUpload: () => target.protocol === 'sftp' },
    concurrency: options.parallel,
    overwrite: options.overwrite,
    verify: options.verify,
    syncFiles: options.sync,
    speedLimit: { download: options.limitRate, upload: options.limitRate },
    log: connect.log,
    onFinished,
  });
  const started = performance.now();
  const stop = (): void => queue.cancelAll();
  context.signal.addEventListener('abort', stop, { once: true });
  try {
    queue.add(items.map((item) => ({ ...item, site: SITE })));
    await queue.whenIdle();
  } finally {
    context.signal.removeEventListener('abort', stop);
    await queue.close();
    await pool.close();
  }
  if (context.signal.aborted) throw new FerryError('CANCELED', 'Canceled; partial files are kept for --continue');
  const seconds = (performance.now() - started) / 1000;
  const failed = queue.failed();
  return {
    files: finished.files,
    bytes: finished.bytes,
    seconds,
    verified: finished.files === 0 ? 'none' : (STRENGTH[finished.weakest] ?? 'none'),
    skipped: finished.skipped,
    failed: failed.length,
    failures: failed.map((job) => ({
      path: job.direction === 'download' ? job.remotePath : job.localPath,
      error: job.error ?? { code: 'LOCAL_IO', message: 'unknown failure', retryable: false },
    })),
  };
}
