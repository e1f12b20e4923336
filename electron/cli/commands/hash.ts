import { FerryError } from '../../../shared/errors.js';
import { HASH_ALGORITHMS, type HashAlgorithm } from '../../core/remote/remoteFileSystem.js';
import { chooseAlgorithm } from '../../core/transfers/verify.js';
import { remotePathOf, withRemote, type CliContext } from '../session.js';

/** `ferry hash URL [--algo A]`: the server computes a file's hash; prints it like sha256sum does. */
export async function hash(url: string, algo: string | undefined, json: boolean, context: CliContext): Promise<void> {
  if (algo !== undefined && !(HASH_ALGORITHMS as readonly string[]).includes(algo)) {
    throw new FerryError('INVALID_INPUT', `--algo must be one of ${HASH_ALGORITHMS.join(', ')}, not "${algo}"`);
  }
  await withRemote(url, context, async (remote, target) => {
    const path = remotePathOf(target, remote);
    const offered = remote.capabilities.hash;
    const algorithm: HashAlgorithm | null =
      algo === undefined
        ? chooseAlgorithm('auto', remote)
        : offered.includes(algo as HashAlgorithm)
          ? (algo as HashAlgorithm)
          : null;
    if (algorithm === null) {
      throw new FerryError(
        'UNSUPPORTED',
        offered.length === 0
          ? `This server cannot compute hashes; download the file with --expect-hash ALGO:HEX to check it instead`
          : `This server offers ${offered.join(', ')}, not ${algo ?? 'any hash Ferry can check'}`,
      );
    }
    const hex = await remote.hash(path, algorithm, context.signal);
    context.output.out(json ? `${JSON.stringify({ path, algorithm, hash: hex })}\n` : `${hex}  ${path}\n`);
  });
}
