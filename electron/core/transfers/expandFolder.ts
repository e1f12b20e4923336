import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileEntry } from '../../../shared/entries.js';
import { FerryError } from '../../../shared/errors.js';
import { displayName } from '../../../shared/names.js';
import { joinRemote, remoteParent } from '../../../shared/remotePath.js';
import { describeEntry } from '../local/describeEntry.js';
import { fromNodeError } from '../errors/fromNodeError.js';
import type { LogSink } from '../log/messageLog.js';
import type { RemoteFileSystem } from '../remote/remoteFileSystem.js';
import type { NewTransfer, TransferJob } from './job.js';
import { caseCollisions, foldName, unsafeLocalNameReason } from './localNames.js';
import { isCaseInsensitiveFolder } from './caseSensitivity.js';
import { isPartialName, PARTIAL_SUFFIX } from './partialFile.js';

/**
 * Expands one folder job by one level: creates the destination folder,
 * lists the source folder and returns a job for each file and subfolder.
 * Subfolders expand when their own job runs, so a deep tree of 100k files
 * is never listed all at once.
 *
 * Remote names are untrusted: a name that could escape the destination
 * (`..`, `a/b`, NUL), carries control characters, is reserved on Windows,
 * or collides with another by case on a case-folding disk is skipped with
 * UNSAFE_NAME in the log. Symlinks to folders are not followed (loops).
 * Ferry's own unfinished files (`*.ferrypart`) are skipped both ways.
 */
export async function expandFolder(
  job: TransferJob,
  session: RemoteFileSystem,
  log: LogSink,
  signal: AbortSignal,
): Promise<NewTransfer[]> {
  return job.direction === 'download'
    ? expandRemoteFolder(job, session, log, signal)
    : expandLocalFolder(job, session, log, signal);
}

const PARTIAL_SKIPPED = `an unfinished transfer (${PARTIAL_SUFFIX}), not copied`;

async function expandRemoteFolder(
  job: TransferJob,
  session: RemoteFileSystem,
  log: LogSink,
  signal: AbortSignal,
): Promise<NewTransfer[]> {
  if (!session.capabilities.list) {
    throw new FerryError('UNSUPPORTED', `${session.protocol.toUpperCase()} cannot list folders`);
  }
  const entries = await session.list(job.remotePath, signal);
  try {
    await mkdir(job.localPath, { recursive: true });
  } catch (error) {
    throw fromNodeError(error, 'create folder', job.localPath);
  }
  const safe: FileEntry[] = [];
  for (const entry of entries) {
    if (entry.name === '.' || entry.name === '..') continue;
    const reason = unsafeLocalNameReason(entry.name);
    if (reason !== null) {
      log('error', `UNSAFE_NAME: skipped "${displayName(entry.name)}" in ${job.remotePath}: ${reason}`);
      continue;
    }
    safe.push(entry);
  }
  let usable = safe;
  const colliding = caseCollisions(safe.map((e) => e.name));
  if (colliding.size > 0 && (await isCaseInsensitiveFolder(job.localPath))) {
    for (const name of colliding) {
      log(
        'error',
        `UNSAFE_NAME: skipped "${displayName(name)}" in ${job.remotePath}: another name differs only by case`,
      );
    }
    usable = safe.filter((e) => !colliding.has(e.name));
  }
  // One look at the local folder tells every child whether its file exists,
  // instead of one lstat each. Names are compared folded: on a disk that
  // folds case or Unicode forms, `Readme` is the existing `README`, and
  // only a job that looks for itself finds out (on others it finds nothing).
  const present = new Set((await readdir(job.localPath).catch(() => [] as string[])).map(foldName));
  const children: NewTransfer[] = [];
  for (const entry of usable) {
    const isFolder = entry.type === 'directory';
    if (entry.type === 'symlink' && entry.linkTargetType === 'directory') {
      log('info', `Not following the folder link ${displayName(entry.name)} in ${job.remotePath}`);
      continue;
    }
    if (entry.type === 'other') continue;
    if (isPartialName(entry.name)) {
      log('info', `Skipped ${displayName(entry.name)} in ${job.remotePath}: ${PARTIAL_SKIPPED}`);
      continue;
    }
    const child: NewTransfer = {
      site: job.site,
      direction: 'download',
      kind: isFolder ? 'folder' : 'file',
      remotePath: joinRemote(job.remotePath, entry.name),
      localPath: join(job.localPath, entry.name),
      size: isFolder ? null : entry.size,
    };
    // A symlink's listed size may be the link's own; let the job ask.
    if (entry.type === 'file') child.listedSource = { size: entry.size, modified: entry.modified };
    // Absent now means no question to ask; present is looked at when the job runs.
    if (!present.has(foldName(entry.name))) child.listedDestination = null;
    children.push(child);
  }
  return children;
}

/**
 * Creates a remote folder and any missing parents (like `mkdir -p`). An
 * existing folder is fine: uploads merge into it.
 */
export async function makeRemoteFolder(session: RemoteFileSystem, path: string, signal: AbortSignal): Promise<void> {
  try {
    await session.mkdir(path, signal);
  } catch (error) {
    if (error instanceof FerryError && error.code === 'ALREADY_EXISTS') return;
    // Servers word "exists" and "no parent" in many ways (FTP says 550 for
    // both), so look rather than guess from the reply.
    const isFolder = async (candidate: string): Promise<boolean> =>
      (await session.stat(candidate, signal).catch(() => null))?.type === 'directory';
    if (await isFolder(path)) return;
    const parent = remoteParent(path);
    if (parent === path || parent === '/' || parent === '.' || (await isFolder(parent))) throw error;
    await makeRemoteFolder(session, parent, signal);
    await session.mkdir(path, signal).catch((again: unknown) => {
      if (!(again instanceof FerryError && again.code === 'ALREADY_EXISTS')) throw again;
    });
  }
}

async function expandLocalFolder(
  job: TransferJob,
  session: RemoteFileSystem,
  log: LogSink,
  signal: AbortSignal,
): Promise<NewTransfer[]> {
  let names: string[];
  try {
    names = await readdir(job.localPath);
  } catch (error) {
    throw fromNodeError(error, 'list', job.localPath);
  }
  if (session.capabilities.mkdir) await makeRemoteFolder(session, job.remotePath, signal);
  // One listing tells every child whether its destination exists, instead of one stat per file.
  const existing = new Map<string, FileEntry>();
  if (session.capabilities.list) {
    for (const entry of await session.list(job.remotePath, signal)) existing.set(entry.name, entry);
  }
  const children: NewTransfer[] = [];
  for (const name of names) {
    const path = join(job.localPath, name);
    let entry: FileEntry;
    try {
      entry = await describeEntry(path, name);
    } catch {
      continue; // vanished while listing
    }
    const isFolder = entry.type === 'directory';
    if (!isFolder && entry.type !== 'file' && !(entry.type === 'symlink' && entry.linkTargetType === 'file')) continue;
    if (!isFolder && isPartialName(name)) {
      log('info', `Skipped ${path}: ${PARTIAL_SKIPPED}`);
      continue;
    }
    const child: NewTransfer = {
      site: job.site,
      direction: 'upload',
      kind: isFolder ? 'folder' : 'file',
      remotePath: joinRemote(job.remotePath, name),
      localPath: path,
      size: isFolder ? null : entry.size,
    };
    if (!isFolder && session.capabilities.list) {
      const there = existing.get(name);
      child.listedDestination = there && there.type === 'file' ? { size: there.size, modified: there.modified } : null;
    }
    children.push(child);
  }
  return children;
}
