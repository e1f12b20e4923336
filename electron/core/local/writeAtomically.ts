import { open, rename } from 'node:fs/promises';

/**
 * Replaces a small file (settings, the queue, trust records) in one step:
 * written to a temporary file beside it, synced, then renamed over the old
 * one, so a crash mid-save leaves the previous file intact, never half of one.
 * Readable by the owner only, since such files may name servers and users.
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}
