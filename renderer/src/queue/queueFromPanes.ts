import { isBrokenLink, isFolderLike, isUnresolvedLink, type FileEntry } from '../../../shared/entries';
import { displayName, joinPath, unsafeNameReason, windowsNameProblem } from '../../../shared/names';
import { joinRemote, remoteBaseName } from '../../../shared/remotePath';
import type { Direction, NewTransfer } from '../../../shared/transfers';
import { useLocalPane } from '../stores/localPane';
import { brokenLinkMessage, type LinkProbe } from '../stores/paneStore';
import { useRemotePane } from '../stores/remotePane';
import { useSession } from '../stores/session';
import { useTransfers } from '../stores/transfers';

/** Why a listed name cannot be copied to the other side, or null when it can. */
function nameProblem(name: string, direction: Direction): string | null {
  // Names from a server are untrusted: one that is not a single safe
  // segment could point outside the local folder, so it is refused here.
  return unsafeNameReason(name) ?? (direction === 'download' ? windowsNameProblem(name) : null);
}

/**
 * Queues the named entries of one pane for transfer into the folder the
 * other pane shows: local → remote is an upload, remote → local a
 * download. Folders become folder jobs that the queue expands as it goes.
 * What the panes already know about both sides travels along, so the
 * queue can decide overwrites without asking the server again. A link
 * whose type the listing did not say (FTP) is tried as a folder first, as
 * FileZilla does, and queued as what it turns out to be; a broken link is
 * not queued, and the queue says why.
 */
export async function queueFromPanes(
  direction: Direction,
  names: readonly string[],
  options: {
    expectedHash?: string;
    /**
     * The folder the names were picked in (a drag, or a dialog that stayed
     * open): if the source pane shows another folder by now, nothing is queued.
     */
    sourceFolder?: string | null;
  } = {},
): Promise<void> {
  const site = useSession.getState().site;
  const local = useLocalPane.getState().listing;
  const remote = useRemotePane.getState().listing;
  const transfers = useTransfers.getState();
  if (site === null) return transfers.setError('Connect to a server before transferring files.');
  if (local === null || (remote === null && site.capabilities.list)) {
    return transfers.setError('Open a folder on both sides first.');
  }
  const shownSource = direction === 'upload' ? local.path : remote?.path;
  if (options.sourceFolder != null && options.sourceFolder !== shownSource) {
    return transfers.setError(
      'The folder shown changed before the transfer could be queued, so nothing was. Please try again.',
    );
  }
  const remoteFolder = remote?.path ?? site.initialFolder;
  const [sourceEntries, targetEntries] =
    direction === 'upload' ? [local.entries, remote?.entries] : [remote?.entries ?? [], local.entries];
  // Without a listing of the target (TFTP), nothing is known about what is there.
  const targetByName = targetEntries && new Map(targetEntries.map((entry) => [entry.name, entry]));
  const byName = new Map(sourceEntries.map((entry) => [entry.name, entry]));
  const sourcePane = direction === 'upload' ? useLocalPane : useRemotePane;
  const sourceFolder = direction === 'upload' ? local.path : (remote?.path ?? remoteFolder);

  const items: NewTransfer[] = [];
  const refused: string[] = [];
  const missing: string[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const entry = byName.get(name);
    if (!entry) {
      missing.push(`"${name}"`);
      continue;
    }
    const problem = nameProblem(name, direction);
    if (problem !== null) {
      refused.push(`"${name}": ${problem}`);
      continue;
    }
    if (isBrokenLink(entry)) {
      problems.push(brokenLinkMessage(entry));
      continue;
    }
    // One listing per link, and only for the links picked: a folder of
    // thousands of them is not probed as it is shown.
    const probe = isUnresolvedLink(entry) ? await sourcePane.getState().probeLink(sourceFolder, name) : null;
    if (probe?.kind === 'broken') {
      problems.push(brokenLinkMessage(entry, probe.reason));
      continue;
    }
    if (probe?.kind === 'failed') {
      problems.push(`Not queued: cannot tell whether "${displayName(name)}" is a folder or a file: ${probe.reason}`);
      continue;
    }
    const item = transferOf(
      entry,
      targetByName ? (targetByName.get(name) ?? null) : undefined,
      {
        site: site.site,
        direction,
        localPath: joinPath(local.path, name, local.separator),
        remotePath: joinRemote(remoteFolder, name),
      },
      probe,
    );
    if (options.expectedHash !== undefined && item.kind === 'file') item.expectedHash = options.expectedHash;
    items.push(item);
  }
  if (missing.length > 0) problems.push(`No longer in the folder shown, so not queued: ${missing.join(', ')}`);
  if (refused.length > 0) problems.push(`Skipped unsafe names (UNSAFE_NAME): ${refused.join('; ')}`);
  if (problems.length > 0) transfers.setError(problems.join(' '));
  if (items.length > 0) await transfers.add(items);
}

/**
 * `existing`: the entry at the target, null when the target folder lacks
 * it, undefined when unknown. `probe`: what a link of unknown type turned
 * out to be, null for every other entry.
 */
export function transferOf(
  source: FileEntry,
  existing: FileEntry | null | undefined,
  where: Pick<NewTransfer, 'site' | 'direction' | 'localPath' | 'remotePath'>,
  probe: LinkProbe | null = null,
): NewTransfer {
  if (isFolderLike(source) || probe?.kind === 'folder') return { ...where, kind: 'folder' };
  // A link's listed size and time are the link's own (LIST's size column
  // is the length of the target's path), not its file's: only a plain
  // file's travel as the source's facts, and the queue asks about a link.
  const isLink = source.type === 'symlink';
  const size = !isLink || source.linkTargetType === 'file' ? source.size : probeSize(probe);
  return {
    ...where,
    kind: 'file',
    ...(size === undefined ? {} : { size }),
    ...(isLink ? {} : { listedSource: { size: source.size, modified: source.modified } }),
    // Unknown, or a folder in the way: left for the queue to look at and report.
    ...(existing === undefined || (existing !== null && isFolderLike(existing))
      ? {}
      : { listedDestination: existing === null ? null : { size: existing.size, modified: existing.modified } }),
  };
}

function probeSize(probe: LinkProbe | null): number | undefined {
  return probe?.kind === 'file' ? probe.size : undefined;
}

/** Why a file name typed for a TFTP download is refused: it may hold folders, but its last part lands locally. */
export function namedDownloadProblem(remoteName: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(remoteName)) return 'the name contains a control character';
  return nameProblem(remoteBaseName(remoteName.trim()), 'download');
}

/**
 * Queues the download of a file named by the user, for servers that cannot
 * list (TFTP): `images/ios.bin` lands as `ios.bin` in the local folder.
 */
export async function queueNamedDownload(remoteName: string): Promise<void> {
  const site = useSession.getState().site;
  const local = useLocalPane.getState().listing;
  const transfers = useTransfers.getState();
  if (site === null || local === null) return transfers.setError('Connect and open a local folder first.');
  const name = remoteBaseName(remoteName.trim());
  const problem = namedDownloadProblem(remoteName);
  if (problem !== null) return transfers.setError(`Cannot download "${remoteName}": ${problem}`);
  await transfers.add([
    {
      site: site.site,
      direction: 'download',
      kind: 'file',
      remotePath: joinRemote(site.initialFolder, remoteName.trim()),
      localPath: joinPath(local.path, name, local.separator),
    },
  ]);
}
