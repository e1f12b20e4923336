import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { FerryError } from '../../shared/errors.js';
import { hash } from './commands/hash.js';
import { ls } from './commands/ls.js';
import { mirror } from './commands/mirror.js';
import { tftpServe } from './commands/tftpServe.js';
import { get, put, verifyMode, type TransferCommandOptions } from './commands/transfer.js';
import { EXIT, exitCodeFor } from './exitCodes.js';
import { HELP } from './help.js';
import { connectOptionsFrom, integerOption, OPTION_SPEC, rateOption } from './options.js';
import { terminalSafeOutput, type CliOutput } from './output.js';
import type { CliContext } from './session.js';

function usage(message: string): FerryError {
  return new FerryError('INVALID_INPUT', `${message}; see ferry --help`);
}

/**
 * Runs one `ferry` invocation and returns its exit code. Errors are printed
 * as `ferry: message` on stderr (and as JSON on stdout with --json), never
 * as a stack trace.
 */
export async function runCli(
  argv: readonly string[],
  terminal: CliOutput,
  env: NodeJS.ProcessEnv = process.env,
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  const output = terminalSafeOutput(terminal);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTION_SPEC });
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
  const [command, ...args] = positionals;
  const json = values.json ?? false;
  try {
    const context: CliContext = {
      output,
      connect: connectOptionsFrom(values, env),
      verbose: values.verbose ?? false,
      signal,
    };
    const transfer: TransferCommandOptions = {
      recursive: values.recursive ?? false,
      resume: values.continue ?? false,
      json,
      parallel: integerOption('parallel', values.parallel, 1, 64) ?? 4,
      verify: verifyMode(values.verify),
      expectHash: values['expect-hash'],
      sync: values.fsync ?? false,
      limitRate: rateOption('limit-rate', values['limit-rate']) ?? 0,
    };
    switch (command) {
      case undefined:
        output.err(`ferry: no command given\n\n${HELP}`);
        return EXIT.usage;
      case 'ls': {
        const [url, extra] = args;
        if (url === undefined || extra !== undefined) throw usage('ls takes one URL, e.g. ferry ls file:///tmp');
        await ls(url, { all: values.all ?? false, json }, context);
        return EXIT.ok;
      }
      case 'get': {
        const [url, local, extra] = args;
        if (url === undefined || extra !== undefined) throw usage('get takes a URL and an optional local path');
        return await get(url, local, transfer, context);
      }
      case 'put': {
        const [local, url, extra] = args;
        if (local === undefined || url === undefined || extra !== undefined) {
          throw usage('put takes a local file and a URL');
        }
        return await put(local, url, transfer, context);
      }
      case 'tftp-serve': {
        const [folder, extra] = args;
        if (folder === undefined || extra !== undefined) throw usage('tftp-serve takes one folder to serve');
        await tftpServe(
          folder,
          {
            bind: values.bind,
            port: values.port,
            writable: values.writable ?? false,
            overwrite: values.overwrite ?? false,
            json,
          },
          context,
        );
        return EXIT.ok;
      }
      case 'mirror': {
        const [source, target, extra] = args;
        if (source === undefined || target === undefined || extra !== undefined) {
          throw usage('mirror takes a source and a target, one a URL and one a local folder');
        }
        return await mirror(
          source,
          target,
          { ...transfer, delete: values.delete ?? false, dryRun: values['dry-run'] ?? false },
          context,
        );
      }
      case 'hash': {
        const [url, extra] = args;
        if (url === undefined || extra !== undefined) throw usage('hash takes one URL');
        await hash(url, values.algo, json, context);
        return EXIT.ok;
      }
      default:
        throw usage(`unknown command "${command}"`);
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
