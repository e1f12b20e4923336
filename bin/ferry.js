#!/usr/bin/env node
// The `ferry` command. The CLI is TypeScript built by `npm run build`;
// this launcher only finds the build and says so plainly when it is missing.
import { existsSync } from 'node:fs';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('ferry: the CLI is not built yet; run "npm run build" in the Ferry checkout first\n');
  process.exit(1);
}
await import(cli.href);
