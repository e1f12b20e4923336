import { FerryError } from '../../../shared/errors.js';
import { joinRemote } from '../../../shared/remotePath.js';
import type { RemoteFileSystem } from './remoteFileSystem.js';

/**
 * Renames `from` to `to` inside `folder`, refusing when `to` is already
 * there. FTP servers (RNFR/RNTO) and SFTP's posix-rename replace an
 * existing file or folder without a word, so a rename typed over a name
 * in use would delete what was there. The names are compared exactly, so
 * changing only the case of a name on a server that ignores case still
 * works. (Another client could create `to` between the check and the
 * rename; no protocol offers a rename that refuses atomically.)
 */
export async function renameWithoutReplacing(
  session: RemoteFileSystem,
  folder: string,
  from: string,
  to: string,
): Promise<void> {
  const entries = await session.list(folder);
  if (from !== to && entries.some((entry) => entry.name === to)) {
    throw new FerryError('ALREADY_EXISTS', `Cannot rename "${from}": "${to}" already exists`);
  }
  await session.rename(joinRemote(folder, from), joinRemote(folder, to));
}
