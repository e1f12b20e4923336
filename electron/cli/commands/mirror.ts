import { mkdir, realpath, rmdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errorShapeOf, FerryError, type FerryErrorShape } from '../../../shared/errors.js';
import { joinRemote } from '../../../shared/remotePath.js';
import { parseFerryUrl } from '../../../shared/url.js';
import { defaultDataFolder } from '../../core/appData.js';
import { fromNodeError } from '../../core/errors/fromNodeError.js';
import { openRemote } from '../../core/remote/openRemote.js';
import type { RemoteFileSystem } from '../../core/remote/remoteFileSystem.js';
import { isCaseInsensitiveFolder } from '../../core/transfers/caseSensitivity.js';
import { makeRemoteFolder } from '../../core/transfers/expandFolder.js';
import type { NewTransfer } from '../../core/transfers/job.js';
import { EXIT, exitCodeFor } from '../exitCodes.js';
import { deleteEach, type DeletionOutcome } from '../mirror/deletions.js';
import { DryRunRecords, dryRunKey } from '../mirror/dryRuns.js';
import { LocalDestinationGuard } from '../mirror/localLinks.js';
import { refuseOverlap } from '../mirror/overlap.js';
import { plan } from '../mirror/plan.js';
import { leaveOutFoldCollisions, walkLocal, walkRemote, type Tree } from '../mirror/tree.js';
import { requireVerifyMode } from '../../core/transfers/verify.js';
import { runQueue, type RunSummary } from '../queueRun.js';
import { remotePathOf, withRemote, type CliContext } from '../session.js';
import { reportSummary, type TransferCommandOptions } from './transfer.js';

export interface MirrorOptions extends TransferCommandOptions {
  delete: boolean;
  dryRun: boolean;
}

type Failure = { path: string; error: FerryErrorShape };

function hasScheme(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

function isFileUrl(text: string): boolean {
  return /^file:/i.test(text);
}

/**
 * Which side is the server: the one given as a URL when the other is a
 * plain path; of two URLs, the one that is not file://. A file:// source
 * with a plain local target also works (the local disk as the "server").
 */
function serverSide(source: string, target: string): 'source' | 'target' {
  const [s, t] = [hasScheme(source), hasScheme(target)];
  if (s && !t) return 'source';
  if (t && !s) return 'target';
  if (s && t && isFileUrl(source) !== isFileUrl(target)) return isFileUrl(source) ? 'target' : 'source';
  throw new FerryError('INVALID_INPUT', 'mirror copies between one server URL and one local folder');
}

function localPathOf(text: string): string {
  return isFileUrl(text) ? parseFerryUrl(text).path : resolve(text);
}

function failureOf(path: string, error: unknown): Failure {
  return { path, error: errorShapeOf(error) };
}

/** Everything under `folder` (not itself) in a list of relative paths. */
function isUnder(path: string, folder: string): boolean {
  return path.startsWith(`${folder}/`);
}

/**
 * `ferry mirror SOURCE TARGET`: makes TARGET a copy of SOURCE in one
 * direction (a URL to a local folder downloads; a local folder to a URL
 * uploads), copying files that are missing, differ in size or are newer.
 * `--delete` also removes what SOURCE lacks, but only after a `--dry-run`
 * with `--delete` listed exactly those deletions (within a day, used up
 * once deleting starts), so nothing is deleted that the user has not seen
 * listed. What the source walk could not see (unsafe or unfinished names,
 * links it does not follow) is never deleted, and an unreadable source
 * folder fails the run before anything is touched.
 */
export async function mirror(
  source: string,
  target: string,
  options: MirrorOptions,
  context: CliContext,
): Promise<number> {
  const download = serverSide(source, target) === 'source';
  const url = download ? source : target;
  const localRoot = localPathOf(download ? target : source);
  const records = new DryRunRecords(join(context.connect.dataFolder ?? defaultDataFolder(), 'mirror-dry-runs.json'));
  const { signal } = context;
  const warn = (text: string): void => context.output.err(text);

  return withRemote(url, context, async (remote, parsed, connect) => {
    requireVerifyMode(options.verify, remote);
    const remoteRoot = remotePathOf(parsed, remote);
    if (parsed.protocol === 'file') {
      await refuseOverlap(download ? remoteRoot : localRoot, download ? localRoot : remoteRoot);
    }
    // The root is the user's own choice of folder, so it may be (or pass through) a link.
    if (download) await mkdir(localRoot, { recursive: true });
    else if (remote.capabilities.mkdir) await remote.mkdir(remoteRoot, signal).catch(() => undefined);
    const remoteTree = await walkRemote(remote, remoteRoot, download ? 'source' : 'destination', signal, warn);
    const localTree = await walkLocal(localRoot, download ? 'destination' : 'source', warn);
    const [sourceTree, targetTree] = download ? [remoteTree, localTree] : [localTree, remoteTree];
    const targetFolds = await knownToFold(download ? localRoot : parsed.protocol === 'file' ? remoteRoot : null);
    if (targetFolds) leaveOutFoldCollisions(sourceTree, warn);
    const steps = plan(sourceTree, targetTree, { replace: options.delete, targetFolds });
    // plan() lists deletions only for --delete; the guard here keeps it so.
    const deletions = options.delete ? steps.deletions : [];
    const replacements = options.delete ? steps.replacements : [];
    const key = dryRunKey({ download, localRoot: await realpath(localRoot), url: parsed, remoteRoot });
    const targetPath = (path: string): string => (download ? join(localRoot, path) : joinRemote(remoteRoot, path));
    const refusals: Failure[] = steps.refused.map((refusal) => ({
      path: targetPath(refusal.path),
      error: { code: refusal.code, message: refusal.reason, retryable: false },
    }));

    if (options.dryRun) {
      for (const path of steps.copies) context.output.out(`${download ? 'get' : 'put'} ${path}\n`);
      for (const path of deletions) context.output.out(`delete ${path}\n`);
      if (options.delete) await records.record(key, deletions);
      return reportRefusals(refusals, context);
    }
    if (deletions.length > 0) await records.check(key, deletions);

    const remover = (session: RemoteFileSystem | null) => (path: string) =>
      removeAt(path, targetTree, session, localRoot, remoteRoot, signal);
    const onDeleted = (path: string): void => context.output.err(`deleted ${path}\n`);
    const failures: Failure[] = [...refusals];
    const deleted: DeletionOutcome = { done: 0, failures: [], skipped: 0, canceled: false };
    const addDeletions = (outcome: DeletionOutcome): void => {
      deleted.done += outcome.done;
      deleted.failures.push(...outcome.failures);
      deleted.skipped += outcome.skipped;
      deleted.canceled ||= outcome.canceled;
    };

    // Entries of another kind make way first: a folder where the source now has a file.
    if (replacements.length > 0) {
      await records.consume(key);
      addDeletions(await deleteEach(replacements, remover(download ? null : remote), signal, onDeleted));
    }

    const guard = new LocalDestinationGuard(localRoot);
    const failedFolders: string[] = [];
    for (const folder of steps.folders) {
      if (deleted.canceled) break;
      if (failedFolders.some((failed) => isUnder(folder, failed))) continue;
      try {
        if (download) await guard.makeFolder(folder);
        else await makeRemoteFolder(remote, joinRemote(remoteRoot, folder), signal);
      } catch (error) {
        failures.push(failureOf(targetPath(folder), error));
        failedFolders.push(folder);
      }
    }
    const items: Omit<NewTransfer, 'site'>[] = [];
    for (const path of steps.copies) {
      if (deleted.canceled) break;
      if (failedFolders.some((failed) => isUnder(path, failed))) continue;
      // Looked at again just before queueing: a link planted since the walk is refused too.
      if (download) {
        try {
          await guard.checkFile(path);
        } catch (error) {
          failures.push(failureOf(targetPath(path), error));
          continue;
        }
      }
      items.push({
        direction: download ? 'download' : 'upload',
        kind: 'file',
        remotePath: joinRemote(remoteRoot, path),
        localPath: join(localRoot, path),
        size: sourceTree.entries.get(path)?.size ?? null,
      });
    }
    if (deleted.canceled) throw new FerryError('CANCELED', 'Canceled');
    const summary = await runQueue(parsed, remote, context, connect, items, {
      parallel: options.parallel,
      verify: options.verify,
      overwrite: 'overwrite',
      sync: options.sync,
      limitRate: options.limitRate,
    });

    // The rest of the deletions come last, and only when every copy
    // arrived. The session that walked the tree went to the queue's pool
    // and is closed by now.
    const replaced = new Set(replacements);
    const rest = deletions.filter((path) => !replaced.has(path));
    let restSkipped = '';
    if (rest.length > 0 && (summary.failed > 0 || failures.length > 0 || deleted.failures.length > 0)) {
      deleted.skipped += rest.length;
      restSkipped = ' (not deleting until every copy has arrived)';
    } else if (rest.length > 0) {
      await records.consume(key);
      const session = download ? null : await openRemote(parsed, connect);
      try {
        addDeletions(await deleteEach(rest, remover(session), signal, onDeleted));
      } finally {
        await session?.close();
      }
    }
    return reportMirror(summary, [...failures, ...deleted.failures], options, context, deleted, restSkipped);
  });
}

/** Whether a local destination folder is known to fold names (probed); a server's (null) is not known. */
async function knownToFold(localFolder: string | null): Promise<boolean> {
  return localFolder !== null && (await isCaseInsensitiveFolder(localFolder));
}

/** Removes one destination entry: a folder with rmdir, a file or link by unlinking it. */
async function removeAt(
  path: string,
  targetTree: Tree,
  session: RemoteFileSystem | null,
  localRoot: string,
  remoteRoot: string,
  signal: AbortSignal,
): Promise<void> {
  const isFolder = targetTree.entries.get(path)?.kind === 'folder';
  if (session !== null) {
    if (isFolder) await session.rmdir(joinRemote(remoteRoot, path), signal);
    else await session.delete(joinRemote(remoteRoot, path), signal);
    return;
  }
  const full = join(localRoot, path);
  try {
    if (isFolder) await rmdir(full);
    else await unlink(full);
  } catch (error) {
    throw fromNodeError(error, isFolder ? 'remove folder' : 'delete', full);
  }
}

/** A dry run's refused paths, on stderr; the exit code says there were some. */
function reportRefusals(refusals: readonly Failure[], context: CliContext): number {
  for (const refusal of refusals) context.output.err(`ferry: ${refusal.path}: ${refusal.error.message}\n`);
  const first = refusals[0];
  return first ? exitCodeFor(first.error.code) : EXIT.ok;
}

/**
 * One summary for the whole run, copies and deletions together, whatever
 * failed: the exit code is not 0 when anything did, and --json carries the
 * deletions' counts beside the copies'.
 */
function reportMirror(
  summary: RunSummary,
  mirrorFailures: readonly Failure[],
  options: MirrorOptions,
  context: CliContext,
  deleted: DeletionOutcome,
  skippedWhy: string,
): number {
  const failures = [...summary.failures, ...mirrorFailures];
  const whole = {
    ...summary,
    failed: failures.length,
    failures,
    ...(options.delete
      ? { deletions: { done: deleted.done, failed: deleted.failures.length, skipped: deleted.skipped } }
      : {}),
  };
  const code = reportSummary(whole, options.json, context);
  if (options.delete && !options.json) {
    context.output.err(
      `deletions: ${deleted.done} done, ${deleted.failures.length} failed, ${deleted.skipped} skipped${skippedWhy}\n`,
    );
  }
  if (deleted.canceled) {
    context.output.err('ferry: Canceled; nothing more was deleted\n');
    return EXIT.canceled;
  }
  return code;
}
