import type { RemoteFileSystem } from '../remote/remoteFileSystem.js';

/**
 * An engine that can report a file's size alone, more cheaply than a full
 * stat: FTP without MLST needs SIZE and MDTM for a stat (two round trips),
 * but only SIZE for the size.
 */
interface SizeQuery {
  size(path: string, signal?: AbortSignal): Promise<number>;
}

function hasSizeQuery(remote: RemoteFileSystem): remote is RemoteFileSystem & SizeQuery {
  return typeof (remote as Partial<SizeQuery>).size === 'function';
}

/**
 * The size the server reports for a file: by the engine's own size query
 * where it has one, else by a stat. Either way the answer comes from the
 * server, which is what a size check needs.
 */
export async function remoteSize(remote: RemoteFileSystem, path: string, signal?: AbortSignal): Promise<number> {
  return hasSizeQuery(remote) ? remote.size(path, signal) : (await remote.stat(path, signal)).size;
}
