#!/usr/bin/env node
// The `ferry` command. The CLI is TypeScript built by `npm run build`;
// this launcher only finds the build and says so plainly when it is missing.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// A ferry process lives for one command, so V8's optimising compiler is a
// cost it cannot spread over a long life. By default V8 optimises a function
// after little use: a download of 2000 small files had it compile about 200
// functions, a second of background-thread time that competes with the
// transfer (and, on a small machine, with the server) for the cores. With a
// budget 15 times the default, only code that truly runs hot (the data
// loops of a large transfer) is optimised; the rest stays in V8's baseline
// tier. On 2 cores this took 10 % off the CPU time of those 2000 files and
// 3–5 % off the wall time of a 1 GiB SFTP upload. Set before the CLI loads,
// so every function of it starts with this budget.
setFlagsFromString('--interrupt-budget=1000000');

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('ferry: the CLI is not built yet; run "npm run build" in the Ferry checkout first\n');
  process.exit(1);
}
await import(cli.href);
