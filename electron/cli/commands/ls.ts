import { sortEntries, type FileEntry } from '../../../shared/entries.js';
import { formatTime } from '../../../shared/format.js';
import { displayName } from '../../../shared/names.js';
import { remotePathOf, withRemote, type CliContext } from '../session.js';

export interface LsOptions {
  all: boolean;
  json: boolean;
}

function typeChar(entry: FileEntry): string {
  switch (entry.type) {
    case 'directory':
      return 'd';
    case 'symlink':
      return 'l';
    case 'other':
      return '?';
    case 'file':
      return '-';
  }
}

/** One `ls -l` style line: type and permissions, size, time, name (and link target). */
function formatLine(entry: FileEntry, sizeWidth: number): string {
  const perms = `${typeChar(entry)}${entry.permissions ?? '---------'}`;
  const size = String(entry.size).padStart(sizeWidth);
  const time = formatTime(entry.modified).padEnd(16);
  const name = displayName(entry.name) + (entry.type === 'directory' ? '/' : '');
  const link = entry.linkTarget !== undefined ? ` -> ${displayName(entry.linkTarget)}` : '';
  return `${perms} ${size} ${time} ${name}${link}`;
}

/** `ferry ls URL`: lists a folder, folders first, then by name. */
export async function ls(url: string, options: LsOptions, context: CliContext): Promise<void> {
  await withRemote(url, context, async (remote, target) => {
    const path = remotePathOf(target, remote);
    const entries = await remote.list(path, context.signal);
    const shown = sortEntries(options.all ? entries : entries.filter((e) => !e.hidden), {
      key: 'name',
      direction: 'ascending',
    });
    if (options.json) {
      context.output.out(`${JSON.stringify({ path, entries: shown })}\n`);
      return;
    }
    const sizeWidth = Math.max(1, ...shown.map((e) => String(e.size).length));
    context.output.out(shown.map((e) => `${formatLine(e, sizeWidth)}\n`).join(''));
  });
}
