#!/usr/bin/env node
// TFTP throughput: a 32 MiB download, Ferry's client (the built CLI, as a
// user runs it) against atftp in the same run.
//
//   1. Ferry vs atftp, both against tftpd-hpa, blksize 1468 (tftpd-hpa has
//      no windowsize, so both run lock-step).       target: ratio >= 1.0
//   2. Ferry against Ferry's own server (ferry tftp-serve) with windowsize 16,
//      vs atftp against tftpd-hpa at blksize 1468.   target: ratio >= 4.0
//      Measured at blksize 65464, the largest block Ferry's server grants and
//      what a user of Ferry at both ends asks for (--blksize 65464); the
//      same at blksize 1468 is shown too, for reference.
//
//   For reference, tftpBareClient.mjs (a Node client that does nothing but
//   acknowledge, and lets the event loop sleep between packets) against
//   tftpd-hpa with the same options: what waking the loop for every packet
//   costs, which Ferry's client avoids by polling while an answer is due
//   within microseconds (electron/core/protocols/tftp/answerPoll.ts).
//
// Each figure is the median of ROUNDS runs (default 5), interleaved so load
// on the machine hits every contender alike. Ratios are throughput ratios
// (>1 means Ferry is faster), by wall clock (process start to exit, what a
// script sees) and, for Ferry, also by the transfer time its --json reports
// (without Node's start-up). Ferry's start-up alone (`ferry --version`) is
// measured in the same rounds, so the difference between the two is visible.
//
// Needs: npm run build, the test servers (bash tests/servers/start.sh), atftp.
// Usage: node tests/bench/tftp.mjs [ROUNDS]
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FERRY = join(REPO, 'bin/ferry.js');
const BARE_CLIENT = join(REPO, 'tests/bench/tftpBareClient.mjs');
const ROUNDS = Number(process.argv[2] ?? 5);
const SIZE = 32 * 1024 * 1024;
const MIB = 1024 * 1024;

function fail(message) {
  process.stderr.write(`tftp bench: ${message}\n`);
  process.exit(1);
}

if (!existsSync(join(REPO, 'out/main/cli.js'))) fail('the CLI is not built; run npm run build');
const statePath = join(process.env.FERRY_TEST_SERVERS_DIR ?? '/tmp/ferry-test-servers', 'state.json');
if (!existsSync(statePath)) fail(`${statePath} is missing; run bash tests/servers/start.sh`);
const hpa = JSON.parse(readFileSync(statePath, 'utf8')).tftp;

/** Runs a command; resolves with its wall-clock seconds and output, rejects on a non-zero exit. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) resolve({ seconds, stdout, stderr });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

const work = await mkdtemp(join(tmpdir(), 'ferry-tftp-bench-'));
const served = join(work, 'served');
const name = `ferry-bench-${process.pid}.bin`;
const content = randomBytes(SIZE);
const expected = sha256(content);
await writeFile(join(hpa.root, name), content);
await chmod(join(hpa.root, name), 0o644);
await mkdir(served);
await writeFile(join(served, name), content);

const ourPort = await freeUdpPort();
const server = spawn(
  process.execPath,
  [FERRY, 'tftp-serve', served, '--bind', '127.0.0.1', '--port', String(ourPort)],
  {
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
await new Promise((resolve, reject) => {
  let stderr = '';
  server.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (stderr.includes('Serving')) resolve();
  });
  server.on('exit', (code) => reject(new Error(`ferry tftp-serve exited ${code}: ${stderr}`)));
});

const contenders = {
  'atftp → tftpd-hpa, blksize 1468': async (out) => {
    const result = await run('atftp', [
      '--option',
      'blksize 1468',
      '-g',
      '-r',
      name,
      '-l',
      out,
      '127.0.0.1',
      String(hpa.port),
    ]);
    return { wall: result.seconds, transfer: result.seconds };
  },
  'Ferry → tftpd-hpa, blksize 1468': async (out) => {
    const url = `tftp://127.0.0.1:${hpa.port}/${name}`;
    const result = await run(process.execPath, [FERRY, 'get', url, out, '--blksize', '1468', '--json']);
    return { wall: result.seconds, transfer: JSON.parse(result.stdout).seconds };
  },
  'bare Node client → tftpd-hpa, blksize 1468': async (out) => {
    const args = [BARE_CLIENT, '127.0.0.1', String(hpa.port), name, '1468', out];
    const result = await run(process.execPath, args);
    return { wall: result.seconds, transfer: JSON.parse(result.stdout).seconds };
  },
  'Ferry → Ferry server, blksize 1468, windowsize 16': async (out) => {
    const url = `tftp://127.0.0.1:${ourPort}/${name}`;
    const args = [FERRY, 'get', url, out, '--blksize', '1468', '--windowsize', '16', '--json'];
    const result = await run(process.execPath, args);
    return { wall: result.seconds, transfer: JSON.parse(result.stdout).seconds };
  },
  'Ferry → Ferry server, blksize 65464, windowsize 16': async (out) => {
    const url = `tftp://127.0.0.1:${ourPort}/${name}`;
    const args = [FERRY, 'get', url, out, '--blksize', '65464', '--windowsize', '16', '--json'];
    const result = await run(process.execPath, args);
    return { wall: result.seconds, transfer: JSON.parse(result.stdout).seconds };
  },
};

const times = Object.fromEntries(Object.keys(contenders).map((key) => [key, { wall: [], transfer: [] }]));
const startups = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    startups.push((await run(process.execPath, [FERRY, '--version'])).seconds);
    for (const [label, contender] of Object.entries(contenders)) {
      const out = join(work, 'download.bin');
      const { wall, transfer } = await contender(out);
      if (sha256(await readFile(out)) !== expected) throw new Error(`${label}: the download differs from the file`);
      await rm(out);
      times[label].wall.push(wall);
      times[label].transfer.push(transfer);
      process.stderr.write(`round ${round} ${label}: ${wall.toFixed(3)} s\n`);
    }
  }
} finally {
  server.kill('SIGINT');
  await rm(join(hpa.root, name), { force: true });
  await rm(work, { recursive: true, force: true });
}

const rate = (seconds) => SIZE / MIB / seconds;
const peer = median(times['atftp → tftpd-hpa, blksize 1468'].wall);
console.log(`\n32 MiB download over loopback, median of ${ROUNDS} runs (node ${process.version})\n`);
console.log('contender                                           wall s    MiB/s   transfer s   MiB/s');
for (const [label, { wall, transfer }] of Object.entries(times)) {
  const w = median(wall);
  const t = median(transfer);
  console.log(
    `${label.padEnd(50)} ${w.toFixed(3).padStart(7)} ${rate(w).toFixed(1).padStart(8)} ${t.toFixed(3).padStart(12)} ${rate(t).toFixed(1).padStart(7)}`,
  );
}
console.log(`\nFerry's start-up alone (ferry --version): ${median(startups).toFixed(3)} s`);
const ratio = (label) => {
  const wall = peer / median(times[label].wall);
  const transfer = peer / median(times[label].transfer);
  return `${wall.toFixed(2)}× by wall clock, ${transfer.toFixed(2)}× by transfer time`;
};
const report = (text, label) => console.log(`  ${text.padEnd(68)} ${ratio(label)}`);
console.log('\nthroughput ratios against atftp → tftpd-hpa, blksize 1468:');
report('Ferry → tftpd-hpa, same options (target ≥ 1.0×):', 'Ferry → tftpd-hpa, blksize 1468');
report(
  'Ferry → Ferry server, windowsize 16, blksize 65464 (target ≥ 4.0×):',
  'Ferry → Ferry server, blksize 65464, windowsize 16',
);
report('same at blksize 1468, for reference:', 'Ferry → Ferry server, blksize 1468, windowsize 16');
report('a bare Node client that sleeps between packets, same options:', 'bare Node client → tftpd-hpa, blksize 1468');
