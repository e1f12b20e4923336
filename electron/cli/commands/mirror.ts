import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FerryError } from '../../../shared/errors.js';
import { displayName } from '../../../shared/names.js';
import { joinRemote } from '../../../shared/remotePath.js';
import { parseFerryUrl } from '../../../shared/url.js';
import { defaultDataFolder } from '../../core/appData.js';
import { openRemote } from '../../core/remote/openRemote.js';
import type { RemoteFileSystem } from '../../core/remote/remoteFileSystem.js';
import type { NewTransfer } from '../../core/transfers/job.js';
import { unsafeLocalNameReason } from '../../core/transfers/localNames.js';
import { EXIT } from '../exitCodes.js';
import { runQueue } from '../queueRun.js';
import { remotePathOf, withRemote, type CliContext } from '../session.js';
import { reportSummary, type TransferCommandOptions } from './transfer.js';

export interface MirrorOptions extends TransferCommandOptions {
  delete: boolean;
  dryRun: boolean;
}

/** One side of a mirror, by path relative to its root ('' is the root). */
interface TreeEntry {
  kind: 'file' | 'folder';
  size: number;
  modified: number | null;
}
type Tree = Map<string, TreeEntry>;

/** How long a dry run's list of deletions stays good for `--delete`. */
const DRY_RUN_VALID_MS = 24 * 60 * 60 * 1000;

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

async function walkLocal(root: string): Promise<Tree> {
  const tree: Tree = new Map();
  const visit = async (relative: string): Promise<void> => {
    const names = await readdir(join(root, relative)).catch(() => [] as string[]);
    for (const name of names) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const info = await lstat(join(root, path)).catch(() => null);
      if (!info) continue;
      if (info.isDirectory()) {
        tree.set(path, { kind: 'folder', size: 0, modified: info.mtimeMs });
        await visit(path);
      } else if (info.isFile()) {
        tree.set(path, { kind: 'file', size: info.size, modified: info.mtimeMs });
      }
    }
  };
  await visit('');
  return tree;
}

async function walkRemote(remote: RemoteFileSystem, root: string, context: CliContext): Promise<Tree> {
  const tree: Tree = new Map();
  const visit = async (relative: string): Promise<void> => {
    const entries = await remote.list(relative === '' ? root : joinRemote(root, relative), context.signal);
    for (const entry of entries) {
      if (entry.name === '.' || entry.name === '..') continue;
      const reason = unsafeLocalNameReason(entry.name);
      if (reason !== null) {
        context.output.err(`ferry: skipping "${displayName(entry.name)}": ${reason} (UNSAFE_NAME)\n`);
        continue;
      }
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.type === 'directory') {
        tree.set(path, { kind: 'folder', size: 0, modified: entry.modified });
        await visit(path);
      } else if (entry.type === 'file' || (entry.type === 'symlink' && entry.linkTargetType === 'file')) {
        tree.set(path, { kind: 'file', size: entry.size, modified: entry.modified });
      }
    }
  };
  await visit('');
  return tree;
}

/** A file needs copying when it is missing, differs in size, or is newer at the source. */
function needsCopy(source: TreeEntry, target: TreeEntry | undefined): boolean {
  if (!target || target.kind !== 'file') return true;
  if (source.size !== target.size) return true;
  // Servers keep whole seconds (sometimes minutes): allow for it.
  return source.modified !== null && target.modified !== null && source.modified > target.modified + 1000;
}

interface Plan {
  folders: string[];
  copies: string[];
  deletions: string[];
}

function plan(source: Tree, target: Tree): Plan {
  const folders: string[] = [];
  const copies: string[] = [];
  for (const [path, entry] of source) {
    if (entry.kind === 'folder' && target.get(path)?.kind !== 'folder') folders.push(path);
    if (entry.kind === 'file' && needsCopy(entry, target.get(path))) copies.push(path);
  }
  const deletions = [...target.keys()].filter((path) => source.get(path)?.kind !== target.get(path)?.kind);
  // Deepest first, so folders are empty by the time they go.
  deletions.sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b));
  return { folders, copies, deletions };
}

interface DryRunRecord {
  key: string;
  digest: string;
  at: number;
}

function deletionDigest(deletions: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(deletions)).digest('hex');
}

async function readDryRuns(file: string): Promise<DryRunRecord[]> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DryRunRecord[];
  } catch {
    return [];
  }
}

/**
 * `ferry mirror SOURCE TARGET`: makes TARGET a copy of SOURCE in one
 * direction (a URL to a local folder downloads; a local folder to a URL
 * uploads), copying files that are missing, differ in size or are newer.
 * `--delete` also removes what SOURCE lacks, but only after a `--dry-run`
 * with `--delete` listed exactly those deletions (within a day), so nothing
 * is deleted that the user has not seen listed.
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
  const dryRunFile = join(context.connect.dataFolder ?? defaultDataFolder(), 'mirror-dry-runs.json');
  const key = `${download ? 'get' : 'put'} ${source} -> ${target}`;

  return withRemote(url, context, async (remote, parsed, connect) => {
    const remoteRoot = remotePathOf(parsed, remote);
    if (download) await mkdir(localRoot, { recursive: true });
    else if (remote.capabilities.mkdir) await remote.mkdir(remoteRoot, context.signal).catch(() => undefined);
    const remoteTree = await walkRemote(remote, remoteRoot, context);
    const localTree = await walkLocal(localRoot);
    const steps = download ? plan(remoteTree, localTree) : plan(localTree, remoteTree);
    const deletions = options.delete ? steps.deletions : [];

    if (options.dryRun) {
      for (const path of steps.copies) context.output.out(`${download ? 'get' : 'put'} ${path}\n`);
      for (const path of deletions) context.output.out(`delete ${path}\n`);
      if (options.delete) {
        const records = (await readDryRuns(dryRunFile)).filter(
          (r) => r.key !== key && Date.now() - r.at < DRY_RUN_VALID_MS,
        );
        records.push({ key, digest: deletionDigest(deletions), at: Date.now() });
        await mkdir(join(dryRunFile, '..'), { recursive: true });
        await writeFile(dryRunFile, JSON.stringify(records), { mode: 0o600 });
      }
      return EXIT.ok;
    }
    if (deletions.length > 0) {
      const record = (await readDryRuns(dryRunFile)).find((r) => r.key === key);
      if (!record || Date.now() - record.at > DRY_RUN_VALID_MS) {
        throw new FerryError(
          'INVALID_INPUT',
          `--delete would remove ${deletions.length} entries; run the same command with --dry-run first to list them`,
        );
      }
      if (record.digest !== deletionDigest(deletions)) {
        throw new FerryError(
          'INVALID_INPUT',
          'What --delete would remove has changed since the dry run; run --dry-run again',
        );
      }
    }

    for (const folder of steps.folders) {
      if (download) await mkdir(join(localRoot, folder), { recursive: true });
      else await remote.mkdir(joinRemote(remoteRoot, folder), context.signal);
    }
    const items: Omit<NewTransfer, 'site'>[] = steps.copies.map((path) => ({
      direction: download ? 'download' : 'upload',
      kind: 'file',
      remotePath: joinRemote(remoteRoot, path),
      localPath: join(localRoot, path),
      size: (download ? remoteTree : localTree).get(path)?.size ?? null,
    }));
    const summary = await runQueue(parsed, remote, context, connect, items, {
      parallel: options.parallel,
      verify: options.verify,
      overwrite: 'overwrite',
      sync: options.sync,
    });
    // Deletions come last, and only when every copy arrived. The session
    // that walked the tree went to the queue's pool and is closed by now.
    if (summary.failed === 0 && deletions.length > 0) {
      const tree = download ? localTree : remoteTree;
      const session = download ? null : await openRemote(parsed, connect);
      try {
        for (const path of deletions) {
          const isFolder = tree.get(path)?.kind === 'folder';
          if (session === null) {
            if (isFolder) await rmdir(join(localRoot, path));
            else await rm(join(localRoot, path));
          } else if (isFolder) {
            await session.rmdir(joinRemote(remoteRoot, path), context.signal);
          } else {
            await session.delete(joinRemote(remoteRoot, path), context.signal);
          }
          context.output.err(`deleted ${path}\n`);
        }
      } finally {
        await session?.close();
      }
    }
    return reportSummary(summary, options.json, context);
  });
}
