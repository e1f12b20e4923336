import type { Stats } from 'node:fs';
import { lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FerryError } from '../../../shared/errors.js';
import { errnoOf, fromNodeError } from '../../core/errors/fromNodeError.js';

/**
 * Keeps a download mirror inside its local folder. A symbolic link in the
 * destination (`config -> /elsewhere`) would take every file written
 * "into" it out of the tree, and `mkdir -p` happily accepts one, so each
 * folder is made one level at a time and every path is looked at with
 * lstat just before it is used: a link anywhere on the way is refused.
 * The root itself is the user's choice and may be a link.
 */
export class LocalDestinationGuard {
  /** Folders under the root already seen to be real folders. */
  private readonly checked = new Set<string>();

  constructor(private readonly root: string) {}

  /** Creates the folder `relative` (and any missing parents) without passing through a link. */
  async makeFolder(relative: string): Promise<void> {
    let current = '';
    for (const part of relative.split('/')) {
      current = current === '' ? part : `${current}/${part}`;
      if (this.checked.has(current)) continue;
      const full = join(this.root, current);
      if ((await this.look(full)) === 'missing') {
        try {
          await mkdir(full);
        } catch (error) {
          // Something appeared since the look: find out what, once more.
          if (errnoOf(error) !== 'EEXIST') throw fromNodeError(error, 'create folder', full);
          if ((await this.look(full)) === 'missing') throw fromNodeError(error, 'create folder', full);
        }
      }
      this.checked.add(current);
    }
  }

  /** Throws unless the file `relative` can be written without passing through a link. */
  async checkFile(relative: string): Promise<void> {
    const parts = relative.split('/');
    if (parts.length > 1) await this.makeFolder(parts.slice(0, -1).join('/'));
    const full = join(this.root, relative);
    let info: Stats;
    try {
      info = await lstat(full);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return;
      throw fromNodeError(error, 'read', full);
    }
    if (info.isSymbolicLink()) throw linkInTheWay(full);
  }

  /** 'folder' for a real folder, 'missing' for nothing; throws for a link or anything else. */
  private async look(full: string): Promise<'folder' | 'missing'> {
    let info: Stats;
    try {
      info = await lstat(full);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return 'missing';
      throw fromNodeError(error, 'read', full);
    }
    if (info.isSymbolicLink()) throw linkInTheWay(full);
    if (!info.isDirectory()) throw new FerryError('ALREADY_EXISTS', `"${full}" is in the way: it is not a folder`);
    return 'folder';
  }
}

function linkInTheWay(full: string): FerryError {
  return new FerryError(
    'ALREADY_EXISTS',
    `"${full}" is a symbolic link; Ferry does not download through links (remove it or mirror into another folder)`,
  );
}
