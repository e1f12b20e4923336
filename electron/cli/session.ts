import { defaultDataFolder } from '../core/appData.js';
import type { ConnectOptions } from '../core/remote/connectOptions.js';
import { openRemote } from '../core/remote/openRemote.js';
import type { RemoteFileSystem } from '../core/remote/remoteFileSystem.js';
import { joinRemote } from '../../shared/remotePath.js';
import { parseFerryUrl, type FerryUrl } from '../../shared/url.js';
import type { CliOutput } from './output.js';

export interface CliContext {
  output: CliOutput;
  connect: ConnectOptions;
  verbose: boolean;
  signal: AbortSignal;
}

/**
 * Opens the session a URL names, runs `work` with it and closes it,
 * whatever happens. With --verbose the session's log goes to stderr.
 */
export async function withRemote<T>(
  url: string,
  context: CliContext,
  work: (remote: RemoteFileSystem, target: FerryUrl, connect: ConnectOptions) => Promise<T>,
): Promise<T> {
  const target = parseFerryUrl(url);
  // FERRY_PASSWORD stands in for a password the URL leaves out; one written in the URL wins.
  const { password: fallbackPassword, ...connect } = context.connect;
  const password = target.password ?? fallbackPassword;
  const options: ConnectOptions = {
    ...connect,
    ...(password === undefined ? {} : { password }),
    dataFolder: connect.dataFolder ?? defaultDataFolder(),
    signal: context.signal,
  };
  if (context.verbose) options.log = (kind, text) => context.output.err(`[${kind}] ${text}\n`);
  const remote = await openRemote(target, options);
  try {
    return await work(remote, target, options);
  } finally {
    // Engines close idempotently, so a session a pool took over and closed is fine here.
    await remote.close();
  }
}

/**
 * The remote path a URL names. Paths are absolute; no path means the
 * folder the session starts in, and `/~/x` (as curl and OpenSSH write it)
 * means `x` inside that folder.
 */
export function remotePathOf(target: FerryUrl, remote: RemoteFileSystem): string {
  if (target.path === '' || target.path === '/~' || target.path === '/~/') return remote.initialFolder;
  if (target.path.startsWith('/~/')) return joinRemote(remote.initialFolder, target.path.slice(3));
  return target.path;
}
