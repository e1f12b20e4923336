import type { Client } from 'ssh2';
import { FerryError } from '../../../../shared/errors.js';
import type { HashAlgorithm } from '../../remote/remoteFileSystem.js';
import { canceledError } from '../../remote/streams.js';

/** The coreutils command for each algorithm a shell hash may use, and its digest length in hex. */
export const HASH_COMMANDS: Partial<Record<HashAlgorithm, { command: string; hexLength: number }>> = {
  sha256: { command: 'sha256sum', hexLength: 64 },
  sha1: { command: 'sha1sum', hexLength: 40 },
  md5: { command: 'md5sum', hexLength: 32 },
};

/** Output beyond this is not a checksum line; stop reading rather than buffer it. */
const MAX_OUTPUT = 64 * 1024;

/**
 * Quotes one word for whatever login shell the server runs the command
 * in. Inside single quotes POSIX shells take everything literally, but
 * fish reads \\ and \' there as escapes; so single quotes and backslashes
 * are both left outside the quotes, each escaped with a backslash, which
 * every shell (sh, bash, zsh, fish, csh) reads the same way.
 * NUL cannot be passed in a command line at all, so it is refused.
 */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new FerryError('INVALID_INPUT', 'A path with a NUL character cannot be hashed');
  return `'${word.replace(/['\\]/g, (special) => `'\\${special}'`)}'`;
}

/** The command line that hashes `path`; `--` keeps a path starting with "-" from reading as an option. */
export function hashCommandLine(algorithm: HashAlgorithm, path: string): string {
  const spec = HASH_COMMANDS[algorithm];
  if (!spec) throw new FerryError('UNSUPPORTED', `The server cannot compute ${algorithm} over a shell`);
  return `${spec.command} -- ${shellQuote(path)}`;
}

/**
 * Reads the digest from `sha256sum`-style output: exactly one line, the
 * hex digest first (a leading backslash marks an escaped name), then the
 * name. Anything else is a PROTOCOL error rather than a guess.
 */
export function parseHashOutput(output: string, algorithm: HashAlgorithm): string {
  const spec = HASH_COMMANDS[algorithm];
  if (!spec) throw new FerryError('UNSUPPORTED', `No shell command for ${algorithm}`);
  const lines = output.split('\n').filter((line) => line !== '');
  const pattern = new RegExp(`^\\\\?([0-9a-fA-F]{${spec.hexLength}}) [ *]`);
  const match = lines.length === 1 && lines[0] !== undefined ? pattern.exec(lines[0]) : null;
  if (!match?.[1]) {
    throw new FerryError('PROTOCOL', `The server's ${spec.command} printed something that is not a checksum`);
  }
  return match[1].toLowerCase();
}

/**
 * Runs the hash command over an exec channel and returns the digest. A
 * failing command (no such file, no coreutils, a restricted shell) is
 * reported with its exit status and first line of stderr. Servers that
 * report no exit status are judged by their output.
 */
export function runRemoteHash(
  client: Client,
  algorithm: HashAlgorithm,
  path: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  const commandLine = hashCommandLine(algorithm, path);
  return new Promise<string>((resolve, reject) => {
    if (signal?.aborted) {
      reject(canceledError());
      return;
    }
    client.exec(commandLine, (error, channel) => {
      if (error) {
        reject(
          new FerryError('UNSUPPORTED', `The server refused to run ${commandLine.split(' ')[0] ?? ''}`, {
            cause: error,
          }),
        );
        return;
      }
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let size = 0;
      // Unset until the server reports how the command ended; some never do.
      let exit: { code: number | null } | undefined;
      const onAbort = (): void => {
        channel.close();
        reject(canceledError());
      };
      // A cancel while the channel was opening: a listener added now would never fire.
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      const collect = (into: Buffer[]) => (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_OUTPUT) {
          channel.close();
          return;
        }
        into.push(chunk);
      };
      channel.on('data', collect(stdout));
      channel.stderr.on('data', collect(stderr));
      // A command killed by a signal reports no code.
      channel.on('exit', (code: number | null) => {
        exit = { code };
      });
      channel.on('close', () => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) {
          reject(canceledError());
          return;
        }
        const errorText = Buffer.concat(stderr).toString('utf8').split('\n')[0] ?? '';
        // Without an exit status, a quiet stderr and a well-formed checksum
        // line (parseHashOutput accepts nothing else) are the success.
        const failed = exit === undefined ? errorText !== '' : exit.code !== 0;
        if (failed) {
          const code = /no such file/i.test(errorText)
            ? 'NOT_FOUND'
            : /permission denied/i.test(errorText)
              ? 'PERMISSION_DENIED'
              : 'UNSUPPORTED';
          reject(
            new FerryError(
              code,
              `Cannot hash "${path}" on the server: ${errorText || `exit status ${String(exit?.code ?? null)}`}`,
            ),
          );
          return;
        }
        try {
          resolve(parseHashOutput(Buffer.concat(stdout).toString('utf8'), algorithm));
        } catch (parseError) {
          reject(parseError instanceof Error ? parseError : new Error(String(parseError)));
        }
      });
    });
  });
}
