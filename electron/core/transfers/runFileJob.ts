import type { Stats } from 'node:fs';
import { lstat as lstatExact, rename as renameLocal, unlink as unlinkLocal } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseExpectedHash } from '../../../shared/expectedHash.js';
import { FerryError } from '../../../shared/errors.js';
import { compareFileTimes } from '../../../shared/fileTimes.js';
import { joinRemote, remoteBaseName, remoteParent } from '../../../shared/remotePath.js';
import { errnoOf, fromNodeError } from '../errors/fromNodeError.js';
import { lstat, stat } from '../local/quickFs.js';
import type { RemoteFileSystem } from '../remote/remoteFileSystem.js';
import { downloadFile, type DownloadResult } from './downloadFile.js';
import type { TransferJob } from './job.js';
import { numberedName } from './localNames.js';
import type { FileFacts, OverwriteAction } from './overwrite.js';
import { partialPathFor } from './partialFile.js';
import type { Throttle } from './throttle.js';
import { uploadFile } from './uploadFile.js';
import { checkHash, chooseAlgorithm, type HashCheck, type VerifyMode } from './verify.js';

export interface FileJobContext {
  /** Decides what to do when the destination exists. */
  resolveConflict: (job: TransferJob, source: FileFacts, existing: FileFacts) => Promise<OverwriteAction>;
  verify: VerifyMode;
  keepModified: boolean;
  /** fsync each download before it gets its final name. */
  sync: boolean;
  /** Upload to a temporary name and rename when done (per site). */
  atomicUpload: boolean;
  /** Whether another running job writes `path` (local for a download, remote for an upload). */
  destinationInUse: (path: string) => boolean;
  /** Marks `path` as this job's destination (after a rename to a numbered name). */
  claimDestination: (path: string) => void;
  throttle: { download: Throttle; upload: Throttle };
  onProgress: (bytes: number, total: number | null) => void;
}

export type FileJobOutcome = { state: 'done'; verified: string; size: number } | { state: 'skipped'; reason: string };

/** Same size and time (at the coarser side's resolution): the copy Ferry itself finished. */
function sameFacts(a: FileFacts, b: FileFacts): boolean {
  return (
    a.size === b.size && a.modified !== null && b.modified !== null && compareFileTimes(a.modified, b.modified) === 0
  );
}

/**
 * Whether the source still has the size and time recorded when the job
 * first started. The record may come from a listing and the facts now
 * from the server (FTP's LIST gives minutes, MDTM seconds), so times are
 * compared at the coarser resolution.
 */
function unchangedSince(job: TransferJob, source: FileFacts | null): boolean {
  if (source === null || source.size !== (job.sourceSize ?? null)) return false;
  const recorded = job.sourceModified ?? null;
  if (source.modified === null || recorded === null) return source.modified === recorded;
  return compareFileTimes(source.modified, recorded) === 0;
}

async function localFacts(path: string): Promise<FileFacts | null> {
  try {
    const info = await lstat(path);
    return { size: info.size, modified: info.mtimeMs };
  } catch {
    return null;
  }
}

/** An upload's source, followed if a link (the linked file is what is sent); null when absent. */
async function sourceStats(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

async function remoteFacts(session: RemoteFileSystem, path: string, signal: AbortSignal): Promise<FileFacts | null> {
  if (!session.capabilities.stat) return null;
  try {
    const entry = await session.stat(path, signal);
    return { size: entry.size, modified: entry.modified };
  } catch (error) {
    if (error instanceof FerryError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/**
 * Runs one file job on a leased session: resolves an existing destination
 * by the overwrite policy, works out whether a partial from an earlier
 * attempt may be resumed (only when the source still has the size and time
 * it had then), transfers with the chosen verification, and reports.
 */
export async function runFileJob(
  job: TransferJob,
  session: RemoteFileSystem,
  context: FileJobContext,
  signal: AbortSignal,
): Promise<FileJobOutcome> {
  return job.direction === 'download'
    ? runDownload(job, session, context, signal)
    : runUpload(job, session, context, signal);
}

function hashCheckFor(job: TransferJob, session: RemoteFileSystem, context: FileJobContext, signal: AbortSignal) {
  if (job.expectedHash !== undefined) {
    const expected = parseExpectedHash(job.expectedHash);
    const check: HashCheck = {
      algorithm: expected.algorithm,
      source: 'user',
      expected: () => Promise.resolve(expected.hex),
    };
    return check;
  }
  const algorithm = chooseAlgorithm(context.verify, session);
  if (algorithm === null) return undefined;
  const check: HashCheck = {
    algorithm,
    source: 'server',
    expected: () => session.hash(job.remotePath, algorithm, signal),
  };
  return check;
}

/** Whether an existing local copy can be continued as the download's partial. */
function canContinue(session: RemoteFileSystem, existing: FileFacts, source: FileFacts | null): boolean {
  if (!session.capabilities.resumeDownload) return false;
  if (source?.size == null) return true;
  return existing.size !== null && existing.size <= source.size;
}

/**
 * Removes `target`'s partial when it is only another name of `target`
 * itself (same device and inode): what a move into place leaves when a
 * crash comes between link() and unlink(). Removing that name loses
 * nothing; left, it would look like a download to resume or to finish.
 * Inode numbers are compared exactly (bigint): Windows' file IDs can
 * exceed what a double holds.
 */
async function dropSharedPartial(target: string): Promise<void> {
  const partial = partialPathFor(target);
  const [file, other] = await Promise.all([
    lstatExact(target, { bigint: true }).catch(() => null),
    lstatExact(partial, { bigint: true }).catch(() => null),
  ]);
  if (file === null || other === null || file.dev !== other.dev || file.ino !== other.ino) return;
  await unlinkLocal(partial).catch(() => undefined);
}

/** Removes a partial nothing will continue; one already gone is fine, and a failure only leaves litter. */
async function dropPartial(target: string): Promise<void> {
  await unlinkLocal(partialPathFor(target)).catch(() => undefined);
}

/**
 * Takes a started job's partial along when it moves to a numbered name:
 * it resumes there when `keep` (the source is unchanged), and goes
 * otherwise, as nothing would ever continue it under the old name.
 */
async function followRename(from: string, to: string, keep: boolean): Promise<void> {
  if (!keep) {
    await dropPartial(from);
    return;
  }
  try {
    await renameLocal(partialPathFor(from), partialPathFor(to));
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw fromNodeError(error, 'move the partial download', partialPathFor(from));
  }
}

/** The first "name (n).ext" beside the job's target that no file, partial or other job has. */
async function numberedTarget(job: TransferJob, context: FileJobContext): Promise<string> {
  const folder = dirname(job.localPath);
  const name = await numberedName(basename(job.localPath), async (candidate) => {
    const path = join(folder, candidate);
    return (
      context.destinationInUse(path) ||
      (await localFacts(path)) !== null ||
      (await localFacts(partialPathFor(path))) !== null
    );
  });
  return join(folder, name);
}

async function runDownload(
  job: TransferJob,
  session: RemoteFileSystem,
  context: FileJobContext,
  signal: AbortSignal,
): Promise<FileJobOutcome> {
  // A fresh job trusts what the listing said a moment ago; a retry asks again.
  const fresh = job.attempts === 0 && job.started !== true;
  const source = fresh && job.listedSource ? job.listedSource : await remoteFacts(session, job.remotePath, signal);
  // A partial from an earlier attempt is resumed only if the file it came from is unchanged.
  const sameSource = job.started === true && unchangedSince(job, source);
  // No record of the source means the caller asked to continue a partial it knows about.
  const unrecorded = job.sourceSize === undefined;
  job.sourceSize = source?.size ?? null;
  job.sourceModified = source?.modified ?? null;

  let resume = job.started === true && (sameSource || unrecorded || source === null);
  const existing = fresh && job.listedDestination === null ? null : await localFacts(job.localPath);
  // Before anything reads or moves the partial: one left as a second name
  // of the file by a move into place cut short is no partial at all.
  if (existing) await dropSharedPartial(job.localPath);
  if (existing && job.started === true && source !== null && sameFacts(existing, source)) {
    // Our own finished download whose completion was not saved before a crash.
    return { state: 'done', verified: 'size', size: existing.size ?? 0 };
  }
  // Only a file that was there as the job began is the user's to replace;
  // one that appears while it runs is kept.
  let replace = existing !== null;
  if (existing) {
    const action = await context.resolveConflict(job, source ?? { size: job.size, modified: null }, existing);
    if (action === 'skip') {
      // What an earlier attempt of this job fetched will never be continued.
      if (job.started === true) await dropPartial(job.localPath);
      return { state: 'skipped', reason: 'the file exists' };
    }
    if (action === 'rename') {
      const previous = job.localPath;
      job.localPath = await numberedTarget(job, context);
      context.claimDestination(job.localPath);
      if (job.started === true) await followRename(previous, job.localPath, resume);
      replace = false;
    } else if (action === 'resume' && canContinue(session, existing, source)) {
      // The existing file is an incomplete copy: continue it as our partial.
      // That frees its name, so a file made there meanwhile is someone
      // else's, and kept.
      await renameLocal(job.localPath, partialPathFor(job.localPath));
      resume = true;
      replace = false;
    }
    // A resume that cannot be (the server cannot start mid-file, or the
    // copy is longer than the source) is an overwrite: the existing file
    // stays until the new one replaces it, instead of becoming a partial
    // that is emptied and, if the transfer fails, removed.
  }
  const hashCheck = hashCheckFor(job, session, context, signal);
  if (!resume && existing === null && hashCheck !== undefined) {
    // A partial left by an earlier download of this file that was canceled:
    // where a hash will check the result, continuing it is safe (bytes that
    // do not belong fail the hash and the file is fetched again from the
    // start). With only the size to go by, it starts over.
    const leftover = await localFacts(partialPathFor(job.localPath));
    if (leftover !== null && (leftover.size ?? 0) > 0 && canContinue(session, leftover, source)) resume = true;
  }
  job.started = true;
  let result: DownloadResult;
  try {
    result = await downloadFile(session, job.remotePath, job.localPath, {
      ...(source
        ? {
            source: {
              name: remoteBaseName(job.remotePath),
              type: 'file',
              size: source.size ?? 0,
              modified: source.modified,
              permissions: null,
              hidden: false,
            },
          }
        : {}),
      resume,
      replace,
      signal,
      keepModified: context.keepModified,
      sync: context.sync,
      throttle: context.throttle.download,
      hashCheck,
      onProgress: context.onProgress,
    });
  } catch (error) {
    // The name was taken while the download ran. A file with the source's
    // size and time is this same file: one of ours, finished before a
    // crash whose save did not record it. Anything else stays, and so does
    // the finished partial, for the user to decide on a retry.
    const appeared =
      error instanceof FerryError && error.code === 'ALREADY_EXISTS' ? await localFacts(job.localPath) : null;
    if (appeared === null || source === null || !sameFacts(appeared, source)) throw error;
    await dropPartial(job.localPath);
    return { state: 'done', verified: 'size', size: appeared.size ?? 0 };
  }
  return { state: 'done', verified: result.verified, size: result.size };
}

async function runUpload(
  job: TransferJob,
  session: RemoteFileSystem,
  context: FileJobContext,
  signal: AbortSignal,
): Promise<FileJobOutcome> {
  const local = await sourceStats(job.localPath);
  if (local === null) throw new FerryError('NOT_FOUND', `Cannot read "${job.localPath}": does not exist`);
  if (!local.isFile()) throw new FerryError('INVALID_INPUT', `"${job.localPath}" is not a file`);
  const source: FileFacts = { size: local.size, modified: local.mtimeMs };
  const sameSource = source.size === job.sourceSize && source.modified === job.sourceModified;
  const unrecorded = job.sourceSize === undefined;
  job.sourceSize = source.size;
  job.sourceModified = source.modified;

  let resume = job.started === true && (sameSource || unrecorded);
  const fresh = job.attempts === 0 && !sameSource;
  let existing =
    fresh && job.listedDestination !== undefined
      ? job.listedDestination
      : await remoteFacts(session, job.remotePath, signal);
  if (existing && job.started === true && sameSource && existing.size === source.size) {
    // Our own finished upload whose completion was not saved before a crash.
    return { state: 'done', verified: 'size', size: source.size ?? 0 };
  }
  // Written under a temporary name and renamed into place, or straight under the final name.
  const atomic = context.atomicUpload && session.capabilities.rename;
  if (
    existing &&
    !atomic &&
    job.started === true &&
    sameSource &&
    existing.size !== null &&
    existing.size <= job.transferred &&
    existing.size < local.size
  ) {
    // What the last run of this job sent before it failed or was paused,
    // written straight under the final name: continue it (or send it
    // again), never ask about it or skip it and leave it cut short.
    resume = session.capabilities.resumeUpload;
    existing = null;
  }
  let decided: OverwriteAction | null = null;
  if (existing) {
    const action = await context.resolveConflict(job, source, existing);
    decided = action;
    if (action === 'skip') return { state: 'skipped', reason: 'the file exists' };
    if (action === 'rename') {
      const folder = remoteParent(job.remotePath);
      const name = await numberedName(remoteBaseName(job.remotePath), async (candidate) => {
        const path = joinRemote(folder, candidate);
        return context.destinationInUse(path) || (await remoteFacts(session, path, signal)) !== null;
      });
      job.remotePath = joinRemote(folder, name);
      context.claimDestination(job.remotePath);
    } else if (action === 'resume') {
      resume = true;
    }
  }
  // Told to continue the existing file, the upload writes to it: under a
  // temporary name it would start that name from nothing.
  const temporaryPath = atomic && decided !== 'resume' ? partialPathFor(job.remotePath) : undefined;
  if (decided === 'rename' || (decided === 'overwrite' && (temporaryPath === undefined || !sameSource))) {
    // Replacing: never continue what is there. Without a temporary name the
    // existing file is the one written to, and resuming would append to it.
    resume = false;
  }
  if (job.expectedHash !== undefined) {
    // The user's hash describes the local file: check it before sending anything.
    const check = hashCheckFor(job, session, context, signal);
    if (check) await checkHash(job.localPath, check, job.localPath, signal);
  }
  job.started = true;
  const result = await uploadFile(session, job.localPath, job.remotePath, {
    resume,
    signal,
    keepModified: context.keepModified,
    throttle: context.throttle.upload,
    temporaryPath,
    source: { size: local.size, modified: local.mtime },
    hashAlgorithm: chooseAlgorithm(context.verify, session) ?? undefined,
    onProgress: context.onProgress,
  });
  return { state: 'done', verified: result.verified, size: result.size };
}
