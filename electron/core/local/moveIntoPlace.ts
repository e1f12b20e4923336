import { errnoOf } from '../errors/fromNodeError.js';
import { link, lstat, rename, unlink } from './quickFs.js';

/** An EEXIST error as Node's own calls give it, for a name found taken. */
function nameTaken(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EEXIST: file already exists, link '${path}'`), {
    code: 'EEXIST',
    syscall: 'link',
    path,
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Gives a finished file its final name. With `replace`, whatever has that
 * name goes (rename). Without it, a name taken by then (another program's
 * file, made while the transfer ran) is kept and this fails with EEXIST:
 * link() claims the name atomically and the temporary name is removed
 * after. File systems without hard links (FAT, exFAT, some network and
 * FUSE ones) refuse link() with varying errors; there the name is checked
 * just before the rename, which leaves a window of microseconds. A crash
 * between link() and the removal of the temporary name, or a removal that
 * fails, leaves both names on the one file.
 */
export async function moveIntoPlace(from: string, to: string, replace: boolean): Promise<void> {
  if (replace) {
    await rename(from, to);
    return;
  }
  try {
    await link(from, to);
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') throw error;
    if (await exists(to)) throw nameTaken(to);
    await rename(from, to);
    return;
  }
  // The file has its final name now, whatever becomes of this one: failing
  // here would report a finished transfer as failed. The name left behind
  // is litter, not a danger: nothing writes through it (a download's
  // openPartial makes a new file where its partial shares one, and the
  // TFTP server's temporary names are new each time).
  await unlink(from).catch(() => undefined);
}
