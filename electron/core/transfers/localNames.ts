import { unsafeNameReason, windowsNameProblem } from '../../../shared/names.js';

/**
 * Decides whether a name that came from a server may become a local file
 * name. Names are untrusted: a listing entry named `../../.bashrc`, `a/b`,
 * `CON` or `x\u0007` must never turn into a path outside the target folder
 * or a file Windows cannot open, so such entries are skipped, not mapped.
 *
 * Windows-reserved names are refused on every platform: a tree downloaded
 * on Linux is often copied on to Windows, and `aux.c` breaks it there.
 */
export function unsafeLocalNameReason(name: string): string | null {
  return unsafeNameReason(name) ?? windowsNameProblem(name);
}

/**
 * A name as a file system that folds case and Unicode forms (macOS,
 * Windows) sees it: `README`, `Readme` and `readme` are one file there.
 */
export function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * Finds names in one listing that collide on a case-folding file system
 * (`Readme` and `README`): only the first of each group is safe to write.
 */
export function caseCollisions(names: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const colliding = new Set<string>();
  for (const name of names) {
    const folded = foldName(name);
    if (seen.has(folded)) colliding.add(name);
    else seen.add(folded);
  }
  return colliding;
}

/**
 * The first free variant of a file name, as file managers number copies:
 * `image.iso` → `image (1).iso` → `image (2).iso`.
 */
export async function numberedName(
  name: string,
  taken: (candidate: string) => boolean | Promise<boolean>,
): Promise<string> {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : '';
  for (let n = 1; n < 10_000; n++) {
    const candidate = `${stem} (${n})${extension}`;
    if (!(await taken(candidate))) return candidate;
  }
  throw new Error(`No free name like "${name}" after 10,000 tries`);
}
