import { FerryError } from '../../../shared/errors.js';
import { unsafeNameReason } from '../../../shared/names.js';
import { joinRemote } from '../../../shared/remotePath.js';
import type { RemoteFileSystem } from './remoteFileSystem.js';
import { throwIfAborted } from './streams.js';

/**
 * Deletes a remote folder with everything in it, depth first, the way
 * FileZilla's and WinSCP's recursive delete do (no protocol has one).
 * Links are deleted, never followed, so a link to `/` deletes the link.
 * A listed name that is not one plain segment (`../x`, `a/b`) is refused
 * before anything is deleted in that folder: a hostile server must not
 * steer the delete outside the tree the user chose.
 */
export async function deleteTree(fs: RemoteFileSystem, path: string, signal?: AbortSignal): Promise<void> {
  const entries = await fs.list(path, signal);
  for (const entry of entries) {
    const reason = unsafeNameReason(entry.name);
    if (reason !== null) {
      throw new FerryError('UNSAFE_NAME', `Not deleting "${path}": it lists "${entry.name}" (${reason})`);
    }
  }
  for (const entry of entries) {
    throwIfAborted(signal);
    const child = joinRemote(path, entry.name);
    if (entry.type === 'directory') await deleteTree(fs, child, signal);
    else await fs.delete(child, signal);
  }
  await fs.rmdir(path, signal);
}
