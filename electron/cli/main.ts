import { runCli } from './run.js';

// The `ferry` binary. Ctrl-C cancels the running operation cleanly (partial
// files stay resumable); a second Ctrl-C leaves at once.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
});

runCli(
  process.argv.slice(2),
  {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  },
  process.env,
  controller.signal,
).then(
  (code) => {
    // exitCode rather than exit(): let stdout drain a long listing first.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ferry: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
