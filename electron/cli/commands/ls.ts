import { sortEntries, type FileEntry } from '../../../shared/entries.js';
import { FerryError } from '../../../shared/errors.js';
import { formatTime } from '../../../shared/format.js';
import { displayName } from '../../../shared/names.js';
import { parseFerryUrl } from '../../../shared/url.js';
import { LocalFileSystem } from '../../core/local/localFileSystem.js';
import type { CliOutput } from '../output.js';

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
export async function ls(url: string, options: LsOptions, output: CliOutput): Promise<void> {
  const target = parseFerryUrl(url);
  if (target.protocol !== 'file') {
    throw new FerryError('UNSUPPORTED', `${target.scheme}:// is not available in this version of Ferry`);
  }
  const listing = await new LocalFileSystem().list(target.path);
  const shown = sortEntries(options.all ? listing.entries : listing.entries.filter((e) => !e.hidden), {
    key: 'name',
    direction: 'ascending',
  });
  if (options.json) {
    output.out(`${JSON.stringify({ path: listing.path, entries: shown })}\n`);
    return;
  }
  const sizeWidth = Math.max(1, ...shown.map((e) => String(e.size).length));
  output.out(shown.map((e) => `${formatLine(e, sizeWidth)}\n`).join(''));
}
