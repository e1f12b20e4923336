import type { RemoteFileSystem } from '../remote/remoteFileSystem.js';

/**
 * The size the server reports for a file: by the engine's own size query
 * where it has one, else by a stat. Either way the answer comes from the
 * server, which is what a size check needs.
 */
export async function remoteSize(remote: RemoteFileSystem, path: string, signal?: AbortSignal): Promise<number> {
  return remote.size ? remote.size(path, signal) : (await remote.stat(path, signal)).size;
}
