import { randomBytes } from 'node:crypto';
import { lstat, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const cache = new Map<string, boolean>();

/**
 * Whether a local folder folds case (macOS and Windows by default, some
 * Linux mounts too): writes a probe file and looks for it under another
 * case. The answer is cached per folder.
 */
export async function isCaseInsensitiveFolder(folder: string): Promise<boolean> {
  const known = cache.get(folder);
  if (known !== undefined) return known;
  const name = `.ferry-case-probe-${randomBytes(4).toString('hex')}`;
  const probe = join(folder, name);
  let insensitive: boolean;
  try {
    await writeFile(probe, '', { flag: 'wx' });
    insensitive = await lstat(join(folder, name.toUpperCase())).then(
      () => true,
      () => false,
    );
  } catch {
    // Cannot probe (read-only?): assume it folds case, the safer answer.
    insensitive = true;
  } finally {
    await rm(probe, { force: true });
  }
  cache.set(folder, insensitive);
  return insensitive;
}
