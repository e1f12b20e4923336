// Vitest globalSetup for the suites that need real servers (integration and
// end-to-end): makes sure the real test servers run (installing packages
// first if a server binary is missing) and stops them afterwards, but only if
// this run started them.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { serversRunning } from './config.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER_BINARIES = [
  '/usr/sbin/vsftpd',
  '/usr/sbin/sshd',
  '/usr/sbin/in.tftpd',
  '/usr/bin/ssh-keygen',
  '/usr/bin/openssl',
];

function runScript(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [`tests/servers/${script}`], { cwd: REPO_ROOT, stdio: 'inherit', env: process.env });
    child.once('error', (error) => {
      reject(new Error(`could not run tests/servers/${script}: ${error.message}`, { cause: error }));
    });
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else {
        const how = signal ? `signal ${signal}` : `exit code ${String(code)}`;
        reject(new Error(`tests/servers/${script} failed (${how}); see its output above`));
      }
    });
  });
}

export default async function setup(): Promise<() => Promise<void>> {
  if (SERVER_BINARIES.some((binary) => !existsSync(binary))) await runScript('install.sh');
  const alreadyRunning = serversRunning();
  await runScript('start.sh');
  return async () => {
    // Servers that were up before this run belong to someone else (a developer's shell): leave them.
    if (!alreadyRunning) await runScript('stop.sh');
  };
}
