import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { FerryError } from '../../shared/errors.js';
import { ls } from './commands/ls.js';
import { EXIT, exitCodeFor } from './exitCodes.js';
import { HELP } from './help.js';
import type { CliOutput } from './output.js';

/**
 * Runs one `ferry` invocation and returns its exit code. Errors are printed
 * as `ferry: message` on stderr (or as JSON with --json), never as a stack.
 */
export async function runCli(argv: readonly string[], output: CliOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
        json: { type: 'boolean' },
        all: { type: 'boolean', short: 'a' },
      },
    });
  } catch (error) {
    output.err(`ferry: ${error instanceof Error ? error.message : String(error)}\nTry "ferry --help".\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.out(HELP);
    return EXIT.ok;
  }
  if (values.version) {
    output.out(`ferry ${version}\n`);
    return EXIT.ok;
  }
  const [command, ...rest] = positionals;
  const json = values.json ?? false;
  try {
    switch (command) {
      case undefined:
        output.err(`ferry: no command given\n\n${HELP}`);
        return EXIT.usage;
      case 'ls': {
        if (rest.length !== 1 || rest[0] === undefined) {
          throw new FerryError('INVALID_INPUT', 'ls takes exactly one URL, e.g. ferry ls file:///tmp');
        }
        await ls(rest[0], { all: values.all ?? false, json }, output);
        return EXIT.ok;
      }
      default:
        throw new FerryError('INVALID_INPUT', `unknown command "${command}"; see ferry --help`);
    }
  } catch (error) {
    const ferryError =
      error instanceof FerryError
        ? error
        : new FerryError('LOCAL_IO', `unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    if (json) output.out(`${JSON.stringify({ error: ferryError.toShape() })}\n`);
    output.err(`ferry: ${ferryError.message}\n`);
    return error instanceof FerryError ? exitCodeFor(ferryError.code) : EXIT.unexpected;
  }
}
