import type { EntryType, FileEntry } from '../../../../../shared/entries.js';
import { formatPermissions } from '../../../../../shared/permissions.js';
import { parseFtpTimestamp } from './ftpTime.js';
import type { ParsedLine } from './parsedLine.js';

/** The facts of one MLSD/MLST line (RFC 3659 section 7), names lower-cased. */
export function parseFacts(text: string): Map<string, string> {
  const facts = new Map<string, string>();
  for (const fact of text.split(';')) {
    const equals = fact.indexOf('=');
    if (equals <= 0) continue;
    facts.set(fact.slice(0, equals).trim().toLowerCase(), fact.slice(equals + 1));
  }
  return facts;
}

/** What a "type" fact says, including the Unix symlink forms servers invented ("OS.unix=slink:target"). */
function typeOf(value: string | undefined): { type: EntryType | 'skip'; linkTarget?: string } {
  const lower = (value ?? 'file').toLowerCase();
  if (lower === 'file') return { type: 'file' };
  if (lower === 'dir') return { type: 'directory' };
  // The listed folder itself and its parent.
  if (lower === 'cdir' || lower === 'pdir') return { type: 'skip' };
  const link = /^os\.unix=(?:slink|symlink)(?::(.*))?$/i.exec(value ?? '');
  if (link) {
    const target = link[1];
    return target === undefined || target === '' ? { type: 'symlink' } : { type: 'symlink', linkTarget: target };
  }
  return { type: 'other' };
}

function permissionsOf(facts: Map<string, string>): string | null {
  const mode = facts.get('unix.mode');
  if (mode === undefined || !/^[0-7]{1,6}$/.test(mode)) return null;
  return formatPermissions(parseInt(mode, 8) & 0o7777);
}

/**
 * Parses one MLSD line, "fact=value;fact=value; name" (the name is
 * everything after the first space, so it may hold spaces and ";"), into
 * an entry; 'ignore' for the folder itself and its parent, null for lines
 * that are not facts at all. `keepFolderItself` reports those two as
 * folders instead (MLST of a folder).
 */
export function parseMlsdLine(line: string, keepFolderItself = false): ParsedLine {
  const space = line.indexOf(' ');
  if (space <= 0) return null;
  const facts = parseFacts(line.slice(0, space));
  const name = line.slice(space + 1);
  if (name === '' || facts.size === 0) return null;
  const described = typeOf(facts.get('type'));
  if (described.type === 'skip' && !keepFolderItself) return 'ignore';
  const type = described.type === 'skip' ? 'directory' : described.type;
  const linkTarget = described.linkTarget;
  const size = Number(facts.get('size') ?? facts.get('sizd') ?? '0');
  const modify = facts.get('modify');
  const entry: FileEntry = {
    name,
    type,
    size: Number.isSafeInteger(size) && size >= 0 && type === 'file' ? size : 0,
    modified: modify === undefined ? null : parseFtpTimestamp(modify),
    permissions: permissionsOf(facts),
    hidden: name.startsWith('.'),
  };
  if (linkTarget !== undefined) entry.linkTarget = linkTarget;
  return entry;
}

/**
 * Parses an MLST reply ("250-…", " facts; /path", "250 …") into the entry
 * it describes, named by the path's last segment; null when it has none.
 */
export function parseMlstReply(lines: readonly string[]): FileEntry | null {
  for (const line of lines.slice(1)) {
    if (!line.startsWith(' ')) continue;
    const entry = parseMlsdLine(line.slice(1), true);
    if (entry && entry !== 'ignore') {
      const trimmed = entry.name.replace(/\/+$/, '');
      return { ...entry, name: trimmed.slice(trimmed.lastIndexOf('/') + 1), hidden: /(^|\/)\.[^/]*$/.test(trimmed) };
    }
  }
  return null;
}
