import { runCli } from './run.js';

// The `ferry` binary: run, then leave with the command's exit code once
// stdout has drained (process.exit could cut off a long listing).
runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ferry: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
