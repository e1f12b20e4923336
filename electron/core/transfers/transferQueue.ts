import { randomUUID } from 'node:crypto';
import { errorShapeOf, FerryError } from '../../../shared/errors.js';
import { displayName } from '../../../shared/names.js';
import { silentLog, type LogSink } from '../log/messageLog.js';
import type { Lease, SessionPool } from '../sessions/sessionPool.js';
import { Destinations } from './destinations.js';
import { canceledError, untilAborted } from '../remote/streams.js';
import { expandFolder } from './expandFolder.js';
import type { NewTransfer, TransferJob } from './job.js';
import {
  decideOverwrite,
  type FileFacts,
  type OverwriteAction,
  type OverwriteAnswer,
  type OverwritePolicy,
  type OverwriteQuestion,
} from './overwrite.js';
import { QueueSaver } from './queueSaver.js';
import type { QueueStore } from './queueStore.js';
import { runFileJob, type FileJobContext } from './runFileJob.js';
import { Throttle } from './throttle.js';
import type { VerifyMode } from './verify.js';

/** How the queue reaches sites: one session pool per site, owned by the caller. */
export interface SiteDirectory {
  /**
   * Whether the site can be reached now. Jobs of a site that is not (after
   * a restart, before the user connects again) wait in the queue; call
   * `kick()` when it becomes available.
   */
  isAvailable?(site: string): boolean;
  pool(site: string): SessionPool;
  /** Whether uploads to this site go to a temporary name first (on by default for SFTP). */
  atomicUpload(site: string): boolean;
}

export interface TransferQueueOptions {
  sites: SiteDirectory;
  /** Where the queue is saved; none keeps it in memory only (the CLI). */
  store?: QueueStore;
  /** Transfers at once across all sites; each site is also held to its pool's limit. */
  concurrency?: number;
  overwrite?: OverwritePolicy;
  /** Answers "the file exists" questions when the policy is `ask`. */
  ask?: (question: OverwriteQuestion) => Promise<OverwriteAnswer>;
  verify?: VerifyMode;
  keepModified?: boolean;
  /** fsync each download before renaming it into place (survives a power cut; slower). */
  syncFiles?: boolean;
  /** Attempts per job before it goes to the failed list (retryable errors only). */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Bytes per second per direction; 0 is unlimited. */
  speedLimit?: { download: number; upload: number };
  log?: LogSink;
  /** Changed jobs, batched: at most one call per `progressIntervalMs`. */
  onChange?: (jobs: TransferJob[]) => void;
  /**
   * Each job as it leaves the queue (done, skipped, failed or canceled), at
   * once: for totals over a whole run, which the successful list (only
   * the latest 10,000 jobs) cannot give. A failed job put back with
   * `retry` finishes again.
   */
  onFinished?: (job: Readonly<TransferJob>) => void;
  progressIntervalMs?: number;
  random?: () => number;
}

export interface QueueTotals {
  /** Jobs waiting or running. */
  active: number;
  running: number;
  failed: number;
  succeeded: number;
  /** Bytes at the destination of active jobs, and their total where known. */
  bytesDone: number;
  bytesTotal: number;
  /** Recent speed in bytes per second. */
  speed: number;
  /** Seconds left at that speed, or null when unknown. */
  eta: number | null;
}

/** Errors after which a session may be in an unknown state and is not reused. */
const SESSION_BREAKING = new Set(['CONNECTION_LOST', 'TIMEOUT', 'PROTOCOL']);

/** How many finished jobs the successful list keeps; older ones drop off. */
const SUCCEEDED_KEPT = 10_000;

const ACTION_POLICY: Record<OverwriteAction, OverwritePolicy> = {
  overwrite: 'overwrite',
  resume: 'resume',
  rename: 'rename',
  skip: 'skip',
};

/**
 * The transfer queue: files and folders in both directions, run in order
 * with global and per-site concurrency, paused, resumed, canceled and
 * reordered per job or for all, retried with backoff (resuming partials),
 * with failed and successful lists, and saved to disk on every change of
 * state so a restart or a crash carries on where it stopped.
 */
export class TransferQueue {
  private active: TransferJob[] = [];
  private failedJobs: TransferJob[] = [];
  private succeededJobs: TransferJob[] = [];
  /** Jobs whose run has not returned yet, by id: each counts against its site's connection limit until then. */
  private readonly running = new Map<
    string,
    { site: string; controller: AbortController; stop?: 'pause' | 'cancel' }
  >();
  /** How many jobs of each site the active list holds: pump() stops once every one of these sites is full. */
  private readonly activeSites = new Map<string, number>();
  /** The files running jobs write to; another job for one of them waits its turn. */
  private readonly destinations = new Destinations();
  private readonly dirty = new Map<string, TransferJob>();
  /** Jobs left a list without a change of their own (removed, cleared): the totals must still go out. */
  private listsShrank = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly policy: OverwritePolicy;
  /**
   * An "apply to all" answer. It holds for the work queued now and added
   * while it runs, and ends when the queue next runs dry, as FileZilla's
   * does: a file that exists tomorrow gets its own question.
   */
  private batchPolicy: OverwritePolicy | null = null;
  private askChain: Promise<unknown> = Promise.resolve();
  private pausedAll = false;
  private closed = false;
  private flushTimer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private movedSinceFlush = 0;
  private lastFlush = performance.now();
  private speed = 0;
  private readonly log: LogSink;
  private readonly saver: QueueSaver;
  readonly throttle: { download: Throttle; upload: Throttle };

  private constructor(private readonly options: TransferQueueOptions) {
    this.policy = options.overwrite ?? 'ask';
    this.log = options.log ?? silentLog;
    this.saver = new QueueSaver(options.store, () => this.snapshot());
    this.throttle = {
      download: new Throttle(options.speedLimit?.download ?? 0),
      upload: new Throttle(options.speedLimit?.upload ?? 0),
    };
  }

  /** Creates a queue, restoring the saved one: jobs that were running start again, resuming their partials. */
  static async open(options: TransferQueueOptions): Promise<TransferQueue> {
    const queue = new TransferQueue(options);
    const saved = options.store ? await options.store.load() : [];
    for (const job of saved) {
      if (job.state === 'running') job.state = 'queued';
      // Saves trail changes by a moment, so a job saved as waiting may have
      // started, or even finished, before a crash: it counts as begun, so
      // it resumes its partial or recognises its own finished file instead
      // of asking about it (a folder's files too, when it expands again).
      // A file job that never recorded its source had not begun, though,
      // and starts afresh: a partial of that name may be another job's (an
      // older version, canceled), and resuming it would mix two files.
      const waiting = job.state === 'queued' || job.state === 'paused';
      if (waiting && (job.kind === 'folder' || job.sourceSize !== undefined)) job.started = true;
      if (job.state === 'failed') queue.failedJobs.push(job);
      else if (job.state === 'done' || job.state === 'skipped') queue.succeededJobs.push(job);
      else if (job.state !== 'canceled') queue.active.push(job);
    }
    queue.entered(queue.active);
    if (queue.active.length > 0) queue.log('info', `Resuming ${queue.active.length} queued transfers`);
    queue.pump();
    return queue;
  }

  get concurrency(): number {
    return this.options.concurrency ?? 4;
  }

  /** Adds transfers at the end of the queue (folders expand when they run). */
  add(items: readonly NewTransfer[]): TransferJob[] {
    const jobs = items.map((item) => this.createJob(item));
    this.active.push(...jobs);
    this.entered(jobs);
    for (const job of jobs) this.touch(job);
    this.saver.saveNow();
    this.pump();
    return jobs.map((job) => ({ ...job }));
  }

  /** Every job: waiting, running and paused first (in queue order), then failed, then finished. */
  list(): TransferJob[] {
    return [...this.active, ...this.failedJobs, ...this.succeededJobs].map((job) => ({ ...job }));
  }

  failed(): TransferJob[] {
    return this.failedJobs.map((job) => ({ ...job }));
  }

  succeeded(): TransferJob[] {
    return this.succeededJobs.map((job) => ({ ...job }));
  }

  /** Moves a waiting job to position `index` of the queue. */
  move(id: string, index: number): void {
    const from = this.active.findIndex((job) => job.id === id);
    if (from < 0)
      throw new FerryError('NOT_FOUND', 'That transfer is no longer queued: it has finished or was removed');
    const [job] = this.active.splice(from, 1);
    if (!job) return;
    this.active.splice(Math.max(0, Math.min(index, this.active.length)), 0, job);
    this.touch(job);
    this.saver.saveSoon();
    this.pump();
  }

  /** Pauses one job; a running one stops and keeps its partial file for resuming. */
  pause(id: string): void {
    const job = this.findActive(id);
    if (job.state === 'running') this.stopRunning(job.id, 'pause');
    else if (job.state === 'queued') this.setState(job, 'paused');
  }

  resume(id: string): void {
    const job = this.findActive(id);
    if (job.state === 'paused') {
      delete job.notBefore;
      this.setState(job, 'queued');
      this.pump();
    }
  }

  /** Removes a job from the queue; a running one is stopped. Partial files stay. */
  cancel(id: string): void {
    const job = this.findActive(id);
    if (job.state === 'running') this.stopRunning(job.id, 'cancel');
    else this.removeActive(job, 'canceled');
  }

  /** Puts a failed job back in the queue, resuming its partial. */
  retry(id: string): void {
    const index = this.failedJobs.findIndex((job) => job.id === id);
    const job = this.failedJobs[index];
    if (!job)
      throw new FerryError('NOT_FOUND', 'That transfer is no longer on the failed list: it was retried or removed');
    this.failedJobs.splice(index, 1);
    job.attempts = 0;
    delete job.error;
    delete job.notBefore;
    delete job.finished;
    this.active.push(job);
    this.entered([job]);
    this.setState(job, 'queued');
    this.pump();
  }

  retryAllFailed(): void {
    for (const job of [...this.failedJobs]) this.retry(job.id);
  }

  /** Takes a job off the failed list for good; its partial file stays where it is. */
  removeFailed(id: string): void {
    const index = this.failedJobs.findIndex((job) => job.id === id);
    if (index < 0)
      throw new FerryError('NOT_FOUND', 'That transfer is no longer on the failed list: it was retried or removed');
    this.failedJobs.splice(index, 1);
    this.shrank();
  }

  /** Empties the failed list; partial files stay where they are. */
  clearFailed(): void {
    this.failedJobs = [];
    this.shrank();
  }

  /** Stops starting jobs and pauses the running ones. */
  pauseAll(): void {
    this.pausedAll = true;
    for (const id of this.running.keys()) this.stopRunning(id, 'pause');
    for (const job of this.active) if (job.state === 'queued') this.setState(job, 'paused');
  }

  resumeAll(): void {
    this.pausedAll = false;
    for (const job of this.active) {
      if (job.state === 'paused') {
        delete job.notBefore;
        this.setState(job, 'queued');
      }
    }
    this.pump();
  }

  cancelAll(): void {
    for (const job of [...this.active]) this.cancel(job.id);
  }

  /** Empties the successful list. */
  clearSucceeded(): void {
    this.succeededJobs = [];
    this.shrank();
  }

  /** The speed limit each way, in bytes per second (0: none). */
  speedLimit(): { download: number; upload: number } {
    return { download: this.throttle.download.limit, upload: this.throttle.upload.limit };
  }

  setSpeedLimit(limit: { download: number; upload: number }): void {
    this.throttle.download.setLimit(limit.download);
    this.throttle.upload.setLimit(limit.upload);
  }

  totals(): QueueTotals {
    let bytesDone = 0;
    let bytesTotal = 0;
    for (const job of this.active) {
      bytesDone += job.transferred;
      bytesTotal += job.size ?? job.transferred;
    }
    const left = bytesTotal - bytesDone;
    return {
      active: this.active.length,
      running: this.running.size,
      failed: this.failedJobs.length,
      succeeded: this.succeededJobs.length,
      bytesDone,
      bytesTotal,
      speed: this.speed,
      eta: this.speed > 0 ? left / this.speed : null,
    };
  }

  /** Looks for work again, e.g. after a site became available. */
  kick(): void {
    this.pump();
  }

  /** Resolves when nothing is waiting or running (paused jobs do not count). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops everything (running jobs pause, to resume next time) and saves. */
  async close(): Promise<void> {
    this.closed = true;
    const interrupted = new Set(this.running.keys());
    for (const id of interrupted) this.stopRunning(id, 'pause');
    while (this.running.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // Jobs paused only because we are closing run again next time.
    for (const job of this.active) if (interrupted.has(job.id) && job.state === 'paused') job.state = 'queued';
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.flush();
    await this.saver.saveLast();
  }

  private createJob(item: NewTransfer): TransferJob {
    const job: TransferJob = {
      id: randomUUID(),
      site: item.site,
      direction: item.direction,
      kind: item.kind,
      remotePath: item.remotePath,
      localPath: item.localPath,
      size: item.size ?? null,
      transferred: 0,
      state: this.pausedAll ? 'paused' : 'queued',
      attempts: 0,
      added: Date.now(),
    };
    if (item.expectedHash !== undefined) job.expectedHash = item.expectedHash;
    if (item.resume === true) job.started = true;
    if (item.listedSource) job.listedSource = item.listedSource;
    if (item.listedDestination !== undefined) job.listedDestination = item.listedDestination;
    return job;
  }

  private findActive(id: string): TransferJob {
    const job = this.active.find((candidate) => candidate.id === id);
    if (!job) throw new FerryError('NOT_FOUND', 'That transfer is no longer queued: it has finished or was removed');
    return job;
  }

  private stopRunning(id: string, stop: 'pause' | 'cancel'): void {
    const entry = this.running.get(id);
    if (!entry) return;
    entry.stop = stop;
    entry.controller.abort();
  }

  /** Nothing running and nothing that could start: only paused jobs, or jobs of unreachable sites. */
  private isIdle(): boolean {
    const sites = this.options.sites;
    return (
      this.running.size === 0 &&
      this.active.every((job) => job.state === 'paused' || sites.isAvailable?.(job.site) === false)
    );
  }

  private setState(job: TransferJob, state: TransferJob['state']): void {
    job.state = state;
    this.touch(job);
    this.saver.saveSoon();
  }

  private removeActive(job: TransferJob, state: 'done' | 'skipped' | 'failed' | 'canceled'): void {
    const index = this.active.indexOf(job);
    if (index >= 0) {
      this.active.splice(index, 1);
      this.left(job);
    }
    job.state = state;
    job.finished = Date.now();
    if (state === 'failed') this.failedJobs.push(job);
    if (state === 'done' || state === 'skipped') {
      this.succeededJobs.push(job);
      if (this.succeededJobs.length > SUCCEEDED_KEPT) this.succeededJobs.shift();
    }
    this.touch(job);
    this.saver.saveSoon();
    this.tellFinished(job);
  }

  /**
   * Tells the owner a job has left the queue. A listener that throws is
   * logged: it must not fail a job that already finished, a second time.
   */
  private tellFinished(job: TransferJob): void {
    try {
      this.options.onFinished?.(job);
    } catch (error) {
      this.log(
        'error',
        `The listener for finished transfers failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Counts jobs that joined the active list, by site. */
  private entered(jobs: readonly TransferJob[]): void {
    for (const job of jobs) this.activeSites.set(job.site, (this.activeSites.get(job.site) ?? 0) + 1);
  }

  /** Counts a job that left the active list. */
  private left(job: TransferJob): void {
    const count = (this.activeSites.get(job.site) ?? 1) - 1;
    if (count > 0) this.activeSites.set(job.site, count);
    else this.activeSites.delete(job.site);
  }

  /** Starts every job that may start now, in queue order. */
  private pump(): void {
    if (this.closed) return;
    if (!this.pausedAll) {
      const now = Date.now();
      let nextRetry = Infinity;
      // Each site's running jobs are counted from the runs rather than by
      // walking the whole queue: this runs after every job, and a queue may
      // hold a folder of 100,000 files.
      const perSite = new Map<string, number>();
      for (const { site } of this.running.values()) perSite.set(site, (perSite.get(site) ?? 0) + 1);
      // Sites that cannot start another job now: at their limit, or unreachable.
      const blocked = new Set<string>();
      for (const job of this.active) {
        if (this.running.size >= this.concurrency) break;
        // Every site with jobs here is blocked (after a 421 lowered a site's
        // limit below the queue's, say): nothing further down can start, so
        // the rest of a long queue is not walked. A freed slot pumps again.
        if (blocked.size >= this.activeSites.size) break;
        if (job.state !== 'queued' || blocked.has(job.site)) continue;
        if (job.notBefore !== undefined && job.notBefore > now) {
          nextRetry = Math.min(nextRetry, job.notBefore);
          continue;
        }
        // Another job is writing this file: this one starts when it ends.
        if (job.kind === 'file' && this.destinations.inUse(job)) continue;
        if (this.options.sites.isAvailable?.(job.site) === false) {
          blocked.add(job.site);
          continue;
        }
        const busy = perSite.get(job.site) ?? 0;
        if (busy >= this.options.sites.pool(job.site).limit) {
          blocked.add(job.site);
          continue;
        }
        perSite.set(job.site, busy + 1);
        this.start(job);
      }
      if (nextRetry < Infinity) this.scheduleRetry(nextRetry - now);
    }
    if (this.isIdle()) {
      this.batchPolicy = null;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private scheduleRetry(delay: number): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        this.pump();
      },
      Math.max(10, delay),
    );
  }

  private start(job: TransferJob): void {
    const controller = new AbortController();
    this.running.set(job.id, { site: job.site, controller });
    if (job.kind === 'file') this.destinations.claim(job);
    this.setState(job, 'running');
    this.ensureFlushing();
    void this.execute(job, controller.signal).finally(() => {
      this.running.delete(job.id);
      this.destinations.release(job);
      this.pump();
    });
  }

  private async execute(job: TransferJob, signal: AbortSignal): Promise<void> {
    let lease: Lease | undefined;
    try {
      lease = await this.options.sites.pool(job.site).acquire(signal);
      if (job.kind === 'folder') {
        const children = await expandFolder(job, lease.session, this.log, signal);
        lease.release();
        lease = undefined;
        this.insertAfter(job, children);
        this.removeActive(job, 'done');
        return;
      }
      const outcome = await runFileJob(job, lease.session, this.fileContext(job, signal), signal);
      lease.release();
      lease = undefined;
      if (outcome.state === 'skipped') {
        this.log('info', `Skipped ${job.remotePath}: ${outcome.reason}`);
        this.removeActive(job, 'skipped');
      } else {
        job.verified = outcome.verified;
        job.transferred = outcome.size;
        job.size = outcome.size;
        this.log(
          'info',
          `${job.direction === 'download' ? 'Downloaded' : 'Uploaded'} ${job.remotePath} (${outcome.verified})`,
        );
        this.removeActive(job, 'done');
      }
    } catch (error) {
      this.failedRun(job, error, lease);
    }
  }

  private failedRun(job: TransferJob, error: unknown, lease: Lease | undefined): void {
    const shape = errorShapeOf(error);
    const stop = this.running.get(job.id)?.stop;
    if (lease) {
      if (SESSION_BREAKING.has(shape.code)) lease.discard();
      else lease.release();
    }
    if (stop === 'pause') {
      this.setState(job, 'paused');
      return;
    }
    if (stop === 'cancel') {
      this.removeActive(job, 'canceled');
      return;
    }
    job.attempts += 1;
    job.error = shape;
    const maxAttempts = this.options.maxAttempts ?? 5;
    if (shape.retryable && job.attempts < maxAttempts) {
      const ceiling = Math.min(
        this.options.retryMaxMs ?? 60_000,
        (this.options.retryBaseMs ?? 1000) * 2 ** (job.attempts - 1),
      );
      // Half fixed, half random: spread out, but never retry at once.
      job.notBefore = Date.now() + ceiling / 2 + (this.options.random ?? Math.random)() * (ceiling / 2);
      this.log(
        'error',
        `${job.remotePath}: ${shape.message} — retrying (attempt ${job.attempts + 1} of ${maxAttempts})`,
      );
      this.setState(job, 'queued');
      return;
    }
    this.log('error', `${job.remotePath}: ${shape.message} (${shape.code})`);
    this.removeActive(job, 'failed');
  }

  private insertAfter(parent: TransferJob, children: readonly NewTransfer[]): void {
    // A folder expanded again (it was running when the app stopped, and its
    // children were already saved) must not queue its files twice: two jobs
    // writing one partial file would corrupt it. Only a folder that may
    // have run before (started: restored after a restart, resumed with
    // --continue, or inside such a folder) can have children already;
    // looking for them in every expansion cost a tree of 2400 small
    // folders over a second.
    const key = (job: { site: string; direction: string; remotePath: string; localPath: string }): string =>
      `${job.site}\n${job.direction}\n${job.remotePath}\n${job.localPath}`;
    const known = new Set<string>();
    if (parent.started === true) {
      for (const list of [this.active, this.succeededJobs]) {
        for (const job of list) if (job.parent === parent.id) known.add(key(job));
      }
    }
    const jobs = children
      .filter((child) => !known.has(key(child)))
      .map((child) => {
        const job = this.createJob(child);
        job.parent = parent.id;
        // A folder that expands again after a restart may have had files
        // finished (or half done) that no save recorded: like every restored
        // job, its files may have begun, so they recognise their own
        // finished copies and resume their partials instead of asking.
        if (parent.started === true) job.started = true;
        return job;
      });
    const index = this.active.indexOf(parent);
    this.active.splice(index < 0 ? this.active.length : index + 1, 0, ...jobs);
    this.entered(jobs);
    for (const job of jobs) this.touch(job);
  }

  private fileContext(job: TransferJob, signal: AbortSignal): FileJobContext {
    let last = job.transferred;
    return {
      resolveConflict: (conflicted, source, existing) => this.resolveConflict(conflicted, source, existing, signal),
      verify: this.options.verify ?? 'auto',
      keepModified: this.options.keepModified ?? true,
      sync: this.options.syncFiles ?? false,
      atomicUpload: this.options.sites.atomicUpload(job.site),
      destinationInUse: (path) => this.destinations.inUse(job, path),
      claimDestination: (path) => this.destinations.claim(job, path),
      throttle: this.throttle,
      onProgress: (bytes, total) => {
        this.movedSinceFlush += Math.max(0, bytes - last);
        last = bytes;
        job.transferred = bytes;
        if (total !== null) job.size = total;
        this.touch(job);
      },
    };
  }

  /**
   * What to do about one existing destination. Questions are asked one at
   * a time, so "apply to all" can take effect before the next one is put.
   * A job paused or canceled while it waits stops waiting (its question is
   * moot), and once the queue is closing nobody is asked any more: the
   * waiting jobs are paused with the rest and ask again next time.
   */
  private async resolveConflict(
    job: TransferJob,
    source: FileFacts,
    existing: FileFacts,
    signal: AbortSignal,
  ): Promise<OverwriteAction> {
    const answer = this.askChain.then(async (): Promise<OverwriteAction> => {
      if (signal.aborted || this.closed) throw canceledError();
      const policy = this.batchPolicy ?? this.policy;
      if (policy !== 'ask') return decideOverwrite(policy, source, existing);
      const ask = this.options.ask;
      if (!ask) {
        throw new FerryError('ALREADY_EXISTS', `${displayName(job.localPath)} exists and nobody was asked what to do`);
      }
      const target = job.direction === 'download' ? job.localPath : job.remotePath;
      const reply = await untilAborted(ask({ jobId: job.id, target, source, existing }), signal);
      if (reply.applyToAll) this.batchPolicy = ACTION_POLICY[reply.action];
      return reply.action;
    });
    this.askChain = answer.catch(() => undefined);
    return answer;
  }

  /**
   * Notes a changed job for the next batch to `onChange`. With nobody
   * listening (the CLI) nothing is noted: the notes would keep every job
   * the run ever touched, a million of them for a million files.
   */
  /** Saves, and tells the owner the new totals with the next batch, after jobs left a list. */
  private shrank(): void {
    this.saver.saveSoon();
    if (!this.options.onChange) return;
    this.listsShrank = true;
    this.ensureFlushing();
  }

  private touch(job: TransferJob): void {
    if (!this.options.onChange) return;
    this.dirty.set(job.id, job);
    // With nothing running the timer is off; a change (a paused job canceled,
    // a failed one retried) must still reach the window.
    this.ensureFlushing();
  }

  private ensureFlushing(): void {
    if (this.flushTimer || !this.options.onChange) return;
    this.flushTimer = setInterval(() => {
      this.flush();
      if (this.running.size === 0 && this.flushTimer) {
        clearInterval(this.flushTimer);
        this.flushTimer = null;
      }
    }, this.options.progressIntervalMs ?? 100);
  }

  /** Sends the jobs that changed since the last flush, in one batch. */
  private flush(): void {
    const now = performance.now();
    const elapsed = (now - this.lastFlush) / 1000;
    if (elapsed > 0) {
      const instant = this.movedSinceFlush / elapsed;
      this.speed = this.speed === 0 ? instant : this.speed * 0.8 + instant * 0.2;
    }
    this.movedSinceFlush = 0;
    this.lastFlush = now;
    if (this.dirty.size === 0 && !this.listsShrank) return;
    const changed = [...this.dirty.values()].map((job) => ({ ...job }));
    this.dirty.clear();
    this.listsShrank = false;
    this.options.onChange?.(changed);
  }

  private snapshot(): TransferJob[] {
    return [...this.active, ...this.failedJobs, ...this.succeededJobs.slice(-1000)];
  }
}
