import { mkdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { FileEntry } from '../../../shared/entries.js';
import { FerryError } from '../../../shared/errors.js';
import { formatSize } from '../../../shared/format.js';
import { joinRemote, remoteBaseName } from '../../../shared/remotePath.js';
import type { NewTransfer } from '../../../shared/transfers.js';
import { fromNodeError } from '../../core/errors/fromNodeError.js';
import type { RemoteFileSystem } from '../../core/remote/remoteFileSystem.js';
import { parseExpectedHash } from '../../../shared/expectedHash.js';
import { requireVerifyMode, type VerifyMode } from '../../core/transfers/verify.js';
import { EXIT, exitCodeFor } from '../exitCodes.js';
import { runQueue, type RunSummary } from '../queueRun.js';
import { remotePathOf, withRemote, type CliContext } from '../session.js';

export interface TransferCommandOptions {
  recursive: boolean;
  resume: boolean;
  json: boolean;
  parallel: number;
  verify: VerifyMode;
  expectHash: string | undefined;
  /** fsync each downloaded file before it gets its final name. */
  sync: boolean;
  /** Bytes per second at most, each way; 0 for no limit. */
  limitRate: number;
}

const VERIFY_MODES: readonly VerifyMode[] = ['auto', 'none', 'md5', 'sha1', 'sha256', 'sha512'];

/** Parses --verify. */
export function verifyMode(text: string | undefined): VerifyMode {
  if (text === undefined) return 'auto';
  if (!(VERIFY_MODES as readonly string[]).includes(text)) {
    throw new FerryError('INVALID_INPUT', `--verify must be one of ${VERIFY_MODES.join(', ')}, not "${text}"`);
  }
  return text as VerifyMode;
}

/** Prints the summary (one JSON object with --json) and turns failures into the exit code. */
export function reportSummary(summary: RunSummary, json: boolean, context: CliContext): number {
  if (json) {
    context.output.out(`${JSON.stringify(summary)}\n`);
  } else {
    const rate = summary.seconds > 0 ? `, ${formatSize(summary.bytes / summary.seconds)}/s` : '';
    // A matching size is a check, not proof: only a hash is called verified.
    const check =
      summary.verified === 'none'
        ? 'not verified'
        : summary.verified === 'size'
          ? 'size checked, no hash'
          : `verified by ${summary.verified}`;
    const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : '';
    context.output.err(
      `${summary.files} ${summary.files === 1 ? 'file' : 'files'}, ${formatSize(summary.bytes)} in ${summary.seconds.toFixed(2)} s${rate} (${check})${skipped}\n`,
    );
  }
  for (const failure of summary.failures) context.output.err(`ferry: ${failure.path}: ${failure.error.message}\n`);
  const first = summary.failures[0];
  return first ? exitCodeFor(first.error.code) : EXIT.ok;
}

async function localKind(path: string): Promise<'file' | 'folder' | null> {
  return stat(path).then(
    (info) => (info.isDirectory() ? 'folder' : 'file'),
    () => null,
  );
}

interface RemoteLookup {
  kind: 'file' | 'folder';
  /** Absent when the engine cannot look (TFTP), which then assumes a file. */
  entry?: FileEntry;
}

/** What is at `path` on the server; null when nothing is. */
async function remoteLookup(remote: RemoteFileSystem, path: string, signal: AbortSignal): Promise<RemoteLookup | null> {
  if (!remote.capabilities.stat) return { kind: 'file' };
  try {
    const entry = await remote.stat(path, signal);
    return { kind: entry.type === 'directory' ? 'folder' : 'file', entry };
  } catch (error) {
    if (error instanceof FerryError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** A file's size and time as a job takes them from a listing or a lookup. */
type ListedFacts = NonNullable<NewTransfer['listedSource']>;

/** A looked-up file's facts, for a job to start from; undefined for anything else (the job asks). */
function factsOf(entry: FileEntry | undefined): ListedFacts | undefined {
  return entry?.type === 'file' ? { size: entry.size, modified: entry.modified } : undefined;
}

function checkExpectHash(options: TransferCommandOptions, kind: 'file' | 'folder'): void {
  if (options.expectHash === undefined) return;
  if (kind === 'folder') throw new FerryError('INVALID_INPUT', '--expect-hash checks one file, not a folder');
  parseExpectedHash(options.expectHash);
}

/**
 * `ferry get URL [LOCAL]`: downloads a file (or with -r a folder) into LOCAL
 * (a folder to put it in, or the new name), the current folder by default.
 */
export async function get(
  url: string,
  local: string | undefined,
  options: TransferCommandOptions,
  context: CliContext,
) {
  return withRemote(url, context, async (remote, target, connect) => {
    requireVerifyMode(options.verify, remote);
    const remotePath = remotePathOf(target, remote);
    const found = await remoteLookup(remote, remotePath, context.signal);
    if (found === null) throw new FerryError('NOT_FOUND', `${remotePath} does not exist on the server`);
    const { kind } = found;
    const listedSource = kind === 'file' ? factsOf(found.entry) : undefined;
    if (kind === 'folder' && !options.recursive) {
      throw new FerryError('INVALID_INPUT', `${remotePath} is a folder; use -r to download it with everything in it`);
    }
    checkExpectHash(options, kind);
    const name = remoteBaseName(remotePath) || target.host;
    let destination = resolve(local ?? name);
    // A LOCAL ending in a separator names the folder to put the download in, made if need be (as put does with a URL ending in '/').
    const intoFolder = local !== undefined && /[\\/]$/.test(local);
    if (intoFolder) {
      await mkdir(destination, { recursive: true }).catch((error: unknown) => {
        throw fromNodeError(error, 'create the folder', destination);
      });
    }
    if ((await localKind(destination)) === 'folder' && (local === undefined || kind === 'file' || intoFolder)) {
      destination = join(destination, name);
    }
    const summary = await runQueue(
      target,
      remote,
      context,
      connect,
      [
        {
          direction: 'download',
          kind,
          remotePath,
          localPath: destination,
          resume: options.resume,
          ...(options.expectHash === undefined ? {} : { expectedHash: options.expectHash }),
          // The job then need not ask the server again what was just asked.
          ...(listedSource === undefined ? {} : { listedSource }),
        },
      ],
      {
        parallel: options.parallel,
        verify: options.verify,
        overwrite: 'overwrite',
        sync: options.sync,
        limitRate: options.limitRate,
      },
    );
    return reportSummary(summary, options.json, context);
  });
}

/** `ferry put LOCAL URL`: uploads a file (or with -r a folder); a URL ending in '/' names the folder to put it in. */
export async function put(local: string, url: string, options: TransferCommandOptions, context: CliContext) {
  const source = resolve(local);
  const kind = await localKind(source);
  if (kind === null) throw new FerryError('NOT_FOUND', `Cannot read "${source}": does not exist`);
  if (kind === 'folder' && !options.recursive) {
    throw new FerryError('INVALID_INPUT', `${source} is a folder; use -r to upload it with everything in it`);
  }
  checkExpectHash(options, kind);
  return withRemote(url, context, async (remote, target, connect) => {
    requireVerifyMode(options.verify, remote);
    const base = remotePathOf(target, remote);
    const named =
      target.path === '' || target.path.endsWith('/') ? undefined : await remoteLookup(remote, base, context.signal);
    const intoFolder = named === undefined || named?.kind === 'folder';
    const remotePath = intoFolder ? joinRemote(base, basename(source)) : base;
    // A URL naming the file itself was just looked up (null: nothing is there): the job need not ask again.
    let listedDestination: ListedFacts | null | undefined;
    if (kind === 'file' && !intoFolder) listedDestination = named === null ? null : factsOf(named.entry);
    const summary = await runQueue(
      target,
      remote,
      context,
      connect,
      [
        {
          direction: 'upload',
          kind,
          remotePath,
          localPath: source,
          resume: options.resume,
          ...(options.expectHash === undefined ? {} : { expectedHash: options.expectHash }),
          ...(listedDestination === undefined ? {} : { listedDestination }),
        },
      ],
      {
        parallel: options.parallel,
        verify: options.verify,
        overwrite: 'overwrite',
        sync: options.sync,
        limitRate: options.limitRate,
      },
    );
    return reportSummary(summary, options.json, context);
  });
}
