import type { Attributes } from 'ssh2';
import type { EntryType, FileEntry } from '../../../../shared/entries.js';
import { formatPermissions } from '../../../../shared/permissions.js';

/** Attributes as they arrive: a server may leave any of them out (the flags say which). */
export type ServerAttributes = Partial<Attributes>;

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

const TYPE_BY_LS_CHAR: Record<string, EntryType> = { d: 'directory', '-': 'file', l: 'symlink' };

/** The entry type a mode says, or, without a mode, what an `ls -l` line's first character says. */
export function entryTypeOfMode(mode: number | undefined, longname?: string): EntryType {
  if (mode === undefined) return TYPE_BY_LS_CHAR[longname?.charAt(0) ?? ''] ?? 'other';
  switch (mode & S_IFMT) {
    case S_IFDIR:
      return 'directory';
    case S_IFREG:
      return 'file';
    case S_IFLNK:
      return 'symlink';
    default:
      return 'other';
  }
}

/**
 * Owner and group from the `ls -l` style longname SFTP v3 servers send
 * (`-rw-r--r--  1 alice staff  1234 Jan  1 00:00 name`). The line is
 * untrusted text: it is used only when its first fields look exactly like
 * `ls -l` output; otherwise the numeric ids stand in.
 */
export function ownerAndGroup(
  longname: string | undefined,
  attrs: ServerAttributes,
): { owner?: string; group?: string } {
  const fields = longname?.split(/ +/) ?? [];
  const [mode, links, owner, group] = fields;
  if (
    mode !== undefined &&
    /^[-dlcbps?][-rwxsStT]{9}[.+@]?$/.test(mode) &&
    links !== undefined &&
    /^[0-9]+$/.test(links) &&
    owner !== undefined &&
    group !== undefined &&
    // Printable, no control characters: these end up in a table cell.
    /^[\x21-\x7e\u00a0-\uffff]{1,64}$/.test(owner) &&
    /^[\x21-\x7e\u00a0-\uffff]{1,64}$/.test(group)
  ) {
    return { owner, group };
  }
  const result: { owner?: string; group?: string } = {};
  if (attrs.uid !== undefined) result.owner = String(attrs.uid);
  if (attrs.gid !== undefined) result.group = String(attrs.gid);
  return result;
}

/**
 * One listing entry from SFTP attributes. The name is kept exactly as the
 * server sent it, odd characters included: deciding what is safe to
 * create locally is the transfer queue's job, and it needs the raw name.
 */
export function fileEntryFromAttributes(name: string, attrs: ServerAttributes, longname?: string): FileEntry {
  const type = entryTypeOfMode(attrs.mode, longname);
  const entry: FileEntry = {
    name,
    type,
    size: type === 'file' ? (attrs.size ?? 0) : 0,
    modified: attrs.mtime === undefined ? null : attrs.mtime * 1000,
    permissions: attrs.mode === undefined ? null : formatPermissions(attrs.mode),
    hidden: name.startsWith('.'),
    ...ownerAndGroup(longname, attrs),
  };
  return entry;
}

/**
 * True when a name from the server can be joined to its folder and still
 * name the entry itself. Symlinks with other names are listed but not
 * followed: `../x` or `a/b` would address some other file.
 */
export function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}
