import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FerryError } from '../../../shared/errors.js';
import { isInside } from '../../core/local/isInside.js';

/** The real path of `path`, or of its nearest existing parent with the rest appended. */
async function realOrNearest(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(await realOrNearest(parent), basename(absolute));
  }
}

/**
 * Refuses a local-to-local mirror whose folders overlap. A destination
 * inside the source is copied into itself, one level deeper each run; a
 * source inside the destination is listed for deletion as something the
 * source lacks. Links are resolved first, so an alias does not hide it.
 */
export async function refuseOverlap(source: string, target: string): Promise<void> {
  const [realSource, realTarget] = await Promise.all([realOrNearest(source), realOrNearest(target)]);
  if (isInside(realSource, realTarget) || isInside(realTarget, realSource)) {
    throw new FerryError(
      'INVALID_INPUT',
      `The source "${realSource}" and the destination "${realTarget}" overlap: one is inside the other`,
    );
  }
}
