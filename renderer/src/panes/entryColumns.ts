import { isFolderLike, isUnresolvedLink, type FileEntry } from '../../../shared/entries';
import { formatSize } from '../../../shared/format';

/**
 * The Type column: what an entry is, links told apart by where they lead.
 * A link whose target's type the server did not say (FTP's LIST) is a
 * plain "Link", never "Broken link": it is found out when opened.
 */
export function typeText(entry: FileEntry): string {
  if (isFolderLike(entry)) return entry.type === 'symlink' ? 'Folder link' : 'Folder';
  if (entry.type === 'symlink') {
    if (entry.linkTargetType !== undefined || isUnresolvedLink(entry)) return 'Link';
    return 'Broken link';
  }
  if (entry.type === 'other') return 'Special';
  const dot = entry.name.lastIndexOf('.');
  return dot > 0 ? `${entry.name.slice(dot + 1).toUpperCase()} file` : 'File';
}

/**
 * The Size column: blank where there is no file size to show, a link
 * included unless it is known to lead to a file (LIST's size column for a
 * link is the length of the target's path, not the size of a file).
 */
export function sizeText(entry: FileEntry): string {
  if (isFolderLike(entry) || entry.type === 'other') return '';
  if (entry.type === 'symlink' && entry.linkTargetType !== 'file') return '';
  return formatSize(entry.size);
}
