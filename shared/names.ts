/**
 * Rules for single path segments (file and folder names) that cross the IPC
 * boundary or come from a server. A name is never allowed to carry a path:
 * that is how a listing entry or a rename target escapes its folder.
 */

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Why a name is not safe as one segment of a path, or null when it is. */
export function unsafeNameReason(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (name === '.' || name === '..') return `"${name}" refers to a folder, not a name`;
  if (name.includes('/') || name.includes('\\')) return 'the name contains a path separator';
  if (name.includes('\0')) return 'the name contains a NUL character';
  // C0 controls (tab included) and DEL never belong in a file name we create.
  // eslint-disable-next-line no-control-regex
  if (/[\u0001-\u001f\u007f]/.test(name)) return 'the name contains a control character';
  if (new TextEncoder().encode(name).length > 255) return 'the name is longer than 255 bytes';
  return null;
}

/** True when `name` is safe to create as one segment on this machine. */
export function isSafeName(name: string): boolean {
  return unsafeNameReason(name) === null;
}

/**
 * Windows refuses reserved device names and names ending in a dot or space;
 * files with such names can be created elsewhere but not copied to Windows.
 */
export function windowsNameProblem(name: string): string | null {
  if (WINDOWS_RESERVED.test(name)) return 'the name is reserved on Windows';
  if (/[. ]$/.test(name)) return 'the name ends with a dot or a space';
  if (/[<>:"|?*]/.test(name)) return 'the name contains a character Windows forbids';
  return null;
}

/** True for an absolute path on POSIX (`/x`) or Windows (`C:\x`, `\\server\share`). */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

/** Joins a folder and one name with the listing's own separator. */
export function joinPath(folder: string, name: string, separator: '/' | '\\'): string {
  return folder.endsWith(separator) ? folder + name : folder + separator + name;
}

/** The folder holding a local path: `/a/b` → `/a`, `/a` → `/`, `C:\a` → `C:\`. */
export function localParent(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return path;
  const parent = path.slice(0, cut);
  return parent === '' || /^[A-Za-z]:$/.test(parent) ? path.slice(0, cut + 1) : parent;
}

/**
 * Shows a name with control characters (C0, DEL and C1, which some
 * terminals obey: U+009B starts an escape sequence) and bidirectional
 * overrides escaped, so a hostile name cannot disguise itself (e.g.
 * `exe.txt` shown for `txt.exe`).
 */
export function displayName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, (ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
