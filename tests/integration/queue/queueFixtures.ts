import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runFerry, type CliRun } from '../../cliRun.js';
import { loadServers } from '../../servers/config.js';

export const servers = loadServers();
export const user = servers.users.password;

export type QueueProtocol = 'ftp' | 'ftpes' | 'sftp';

/** The server URL for a protocol, at `path` (absolute, in the test user's home). */
export function serverUrl(protocol: QueueProtocol, path: string): string {
  const port = protocol === 'sftp' ? servers.sftp.port : servers.ftp.port;
  return `${protocol}://${user.name}@${servers.host}:${port}${path}`;
}

/** The fingerprint to trust for a protocol: the certificate's or the host key's. */
export function trustFor(protocol: QueueProtocol): string[] {
  if (protocol === 'ftpes') return ['--trust-fingerprint', servers.tls.fingerprint256];
  if (protocol === 'sftp') return ['--trust-fingerprint', servers.sftp.hostKeyFingerprint];
  return [];
}

/** Runs `ferry` in this process with the test user's password and a throwaway data folder. */
export function ferry(home: string, ...args: string[]): Promise<CliRun> {
  return runFerry(args, { FERRY_HOME: home, FERRY_PASSWORD: user.password });
}

/** Writes `count` files of `size` random bytes spread over `folders` subfolders. */
export async function makeTree(root: string, count: number, size: number, folders: number): Promise<void> {
  for (let folder = 0; folder < folders; folder++) await mkdir(join(root, `dir-${folder}`), { recursive: true });
  for (let start = 0; start < count; start += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, count - start) }, (_, i) => {
        const n = start + i;
        return writeFile(
          join(root, `dir-${n % folders}`, `file-${n}.bin`),
          createHash('sha256')
            .update(`${n}`)
            .digest()
            .toString('hex')
            .repeat(size / 64),
        );
      }),
    );
  }
}

/** Every file under `root` with its SHA-256, by relative path. */
export async function treeHashes(root: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const visit = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await visit(path);
      else
        hashes.set(
          relative(root, path),
          createHash('sha256')
            .update(await readFile(path))
            .digest('hex'),
        );
    }
  };
  await visit(root);
  return hashes;
}

export function tempFolder(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `ferry-queue-${label}-`));
}
