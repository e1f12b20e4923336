import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * Where Ferry keeps its data (sites, queue, trust store): `FERRY_HOME` when
 * set, else the platform's per-user application-data folder, the same one
 * Electron's `app.getPath('userData')` uses for an app named Ferry.
 */
export function defaultDataFolder(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.FERRY_HOME) return env.FERRY_HOME;
  const home = homedir();
  // An empty variable counts as unset (else the data would land in ./Ferry,
  // relative to wherever Ferry was started); XDG also says to ignore relative paths.
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Ferry');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Ferry');
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.config'), 'Ferry');
}

/** Creates the data folder (owner-only) if needed and returns its path. */
export async function ensureDataFolder(folder: string): Promise<string> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  return folder;
}
