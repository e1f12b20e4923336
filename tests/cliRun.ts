import { runCli } from '../electron/cli/run.js';

/** What one in-process `ferry` run printed, and its exit code. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `ferry args` in this process with `env` as its whole environment, capturing stdout and stderr. */
export async function runFerry(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (text) => (out += text), err: (text) => (err += text) }, env);
  return { code, out, err };
}
