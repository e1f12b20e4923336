import { FerryError, type FerryErrorShape } from '../../shared/errors.js';
import type { FerryUrl } from '../../shared/url.js';
import type { ConnectOptions } from '../core/remote/connectOptions.js';
import { openRemote } from '../core/remote/openRemote.js';
import type { RemoteFileSystem } from '../core/remote/remoteFileSystem.js';
import { SessionPool } from '../core/sessions/sessionPool.js';
import type { NewTransfer } from '../core/transfers/job.js';
import type { OverwritePolicy } from '../core/transfers/overwrite.js';
import { TransferQueue } from '../core/transfers/transferQueue.js';
import type { VerifyMode } from '../core/transfers/verify.js';
import type { CliContext } from './session.js';

export interface QueueRunOptions {
  parallel: number;
  verify: VerifyMode;
  overwrite: OverwritePolicy;
  sync: boolean;
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
  const queue = await TransferQueue.open({
    sites: { pool: () => pool, atomicUpload: () => target.protocol === 'sftp' },
    concurrency: options.parallel,
    overwrite: options.overwrite,
    verify: options.verify,
    syncFiles: options.sync,
    log: connect.log,
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
  const done = queue.succeeded().filter((job) => job.kind === 'file' && job.state === 'done');
  const weakest = done.reduce(
    (worst, job) => Math.min(worst, Math.max(0, STRENGTH.indexOf(job.verified ?? 'none'))),
    done.length === 0 ? 0 : STRENGTH.length - 1,
  );
  const failed = queue.failed();
  return {
    files: done.length,
    bytes: done.reduce((sum, job) => sum + (job.size ?? 0), 0),
    seconds,
    verified: STRENGTH[weakest] ?? 'none',
    skipped: queue.succeeded().filter((job) => job.state === 'skipped').length,
    failed: failed.length,
    failures: failed.map((job) => ({
      path: job.direction === 'download' ? job.remotePath : job.localPath,
      error: job.error ?? { code: 'LOCAL_IO', message: 'unknown failure', retryable: false },
    })),
  };
}
