#!/usr/bin/env node
// SFTP throughput, Ferry against OpenSSH's sftp, in the same run, on the
// shared test sshd (tests/servers/start.sh) over loopback. Not a test: it
// prints figures and ratios and never fails on them.
//
//   npm run build && node tests/bench/sftp.mjs [--size MiB] [--rounds N] [--cipher NAME]...
//
// Both clients run as whole processes, timed from start to exit, with the
// same key, the same cipher (both are told it), and the same durability:
// downloads are not flushed to disk by either (Ferry only with --fsync,
// OpenSSH only with `get -f`); uploads are flushed by the server for both
// (Ferry sends fsync@openssh.com by default, OpenSSH with `put -f`).
// Rounds alternate which client goes first, each run starts after a
// `sync`, and the median of the rounds is reported.
// Ratio = OpenSSH's time / Ferry's time: above 1.0 Ferry is faster.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import {
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A NODE_EXTRA_CA_CERTS in the environment (some systems point it at the
// whole system bundle) makes Node 20 parse that file at every start, TLS or
// not: about 40 ms per run here. Ferry reads the system store itself at its
// first TLS connection (core/trust/systemCertificates.ts), and the peers
// ignore the variable, so every tool runs without it.
delete process.env.NODE_EXTRA_CA_CERTS;

const root = fileURLToPath(new URL('../../', import.meta.url));
const ferryBin = join(root, 'bin/ferry.js');

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}
function options(name) {
  const found = [];
  process.argv.forEach((arg, i) => {
    if (arg === name && process.argv[i + 1] !== undefined) found.push(process.argv[i + 1]);
  });
  return found;
}

const sizeMiB = Number(option('--size', '1024'));
const rounds = Number(option('--rounds', '3'));
const ciphers = options('--cipher');
if (ciphers.length === 0) ciphers.push('aes128-gcm@openssh.com', 'chacha20-poly1305@openssh.com');

if (!existsSync(join(root, 'out/main/cli.js'))) {
  console.error('sftp bench: build Ferry first (npm run build)');
  process.exit(2);
}
const stateFile = join(process.env.FERRY_TEST_SERVERS_DIR ?? '/tmp/ferry-test-servers', 'state.json');
if (!existsSync(stateFile)) {
  console.error(`sftp bench: ${stateFile} is missing; start the test servers (bash tests/servers/start.sh)`);
  process.exit(2);
}
const state = JSON.parse(readFileSync(stateFile, 'utf8'));
const user = state.users.key;
const host = state.host;
const port = state.sftp.port;

const work = mkdtempSync(join(tmpdir(), 'ferry-sftp-bench-'));
const remoteDir = join(user.home, `ferry-bench-${process.pid}`);
const ferryHome = join(work, 'ferry-home');
const source = join(work, 'source.bin');
const bytes = sizeMiB * 1024 * 1024;

function cleanUp() {
  rmSync(work, { recursive: true, force: true });
  rmSync(remoteDir, { recursive: true, force: true });
}
process.on('exit', cleanUp);
process.on('SIGINT', () => process.exit(130));

function makeSource() {
  const fd = openSync(source, 'w');
  const chunk = Buffer.allocUnsafe(16 * 1024 * 1024);
  for (let written = 0; written < bytes;) {
    const length = Math.min(chunk.length, bytes - written);
    randomFillSync(chunk, 0, length);
    writeSync(fd, chunk, 0, length);
    written += length;
  }
  closeSync(fd);
}

function timed(command, args, input) {
  // Start from no dirty pages: a run must not pay for the writeback of the
  // gigabyte the one before it left behind.
  spawnSync('sync');
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}${result.stdout}`);
  }
  return { seconds, stdout: result.stdout, stderr: result.stderr };
}

const sshOptions = ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'];
function openssh(cipher, batch) {
  return timed(
    'sftp',
    [
      '-q',
      '-b',
      '-',
      '-i',
      user.privateKeyPath,
      '-c',
      cipher,
      ...sshOptions,
      '-P',
      String(port),
      `${user.name}@${host}`,
    ],
    batch,
  );
}
function ferry(cipher, args) {
  return timed(
    process.execPath,
    [ferryBin, ...args, '-i', user.privateKeyPath, '--ciphers', cipher, '--json'],
    undefined,
  );
}
const url = (path) => `sftp://${user.name}@${host}:${port}${path}`;

function removeLocal(path) {
  rmSync(path, { force: true });
  rmSync(`${path}.ferrypart`, { force: true });
}
function expectSize(path, what) {
  const size = statSync(path).size;
  if (size !== bytes) throw new Error(`${what}: ${path} has ${size} bytes, expected ${bytes}`);
}

const download = {
  ferry(cipher) {
    const target = join(work, 'down-ferry.bin');
    removeLocal(target);
    const run = ferry(cipher, ['get', url(join(remoteDir, 'remote.bin')), target]);
    expectSize(target, 'ferry get');
    return { seconds: run.seconds, inner: JSON.parse(run.stdout).seconds };
  },
  openssh(cipher) {
    const target = join(work, 'down-openssh.bin');
    removeLocal(target);
    const run = openssh(cipher, `get ${join(remoteDir, 'remote.bin')} ${target}\n`);
    expectSize(target, 'openssh get');
    return { seconds: run.seconds };
  },
};
const upload = {
  ferry(cipher) {
    const target = join(remoteDir, 'up-ferry.bin');
    rmSync(target, { force: true });
    const run = ferry(cipher, ['put', source, url(target)]);
    expectSize(target, 'ferry put');
    return { seconds: run.seconds, inner: JSON.parse(run.stdout).seconds };
  },
  openssh(cipher) {
    const target = join(remoteDir, 'up-openssh.bin');
    rmSync(target, { force: true });
    const run = openssh(cipher, `put -f ${source} ${target}\n`);
    expectSize(target, 'openssh put');
    return { seconds: run.seconds };
  },
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const rate = (seconds) => `${(sizeMiB / seconds).toFixed(0).padStart(5)} MiB/s`;

console.log(
  `sftp bench: ${sizeMiB} MiB each way, ${rounds} rounds, ${host}:${port} (OpenSSH sshd), ${new Date().toISOString()}`,
);
console.log(
  `Ferry: ${ferryBin} (Node ${process.version}); peer: ${spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim()}`,
);
makeSource();
mkdirSync(remoteDir);
chownSync(remoteDir, user.uid, user.gid);
copyFileSync(source, join(remoteDir, 'remote.bin'));
chownSync(join(remoteDir, 'remote.bin'), user.uid, user.gid);
mkdirSync(ferryHome);
const [keyType, keyBlob] = readFileSync(state.sftp.hostKeyPublicPath, 'utf8').trim().split(' ');
writeFileSync(join(ferryHome, 'known_hosts'), `[${host}]:${port} ${keyType} ${keyBlob}\n`);
process.env.FERRY_HOME = ferryHome;

const summary = [];
for (const cipher of ciphers) {
  const handshake = timed(process.execPath, [
    ferryBin,
    'ls',
    url(remoteDir),
    '-i',
    user.privateKeyPath,
    '--ciphers',
    cipher,
    '-v',
  ]);
  const negotiated = /SSH handshake: .*/.exec(handshake.stderr)?.[0] ?? '(no handshake line)';
  console.log(`\n${cipher}: Ferry negotiated ${negotiated.replace('SSH handshake: ', '')}`);
  for (const [direction, runner] of [
    ['download', download],
    ['upload', upload],
  ]) {
    const times = { ferry: [], inner: [], openssh: [] };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['ferry', 'openssh'] : ['openssh', 'ferry'];
      for (const client of order) {
        const result = runner[client](cipher);
        times[client].push(result.seconds);
        if (result.inner !== undefined) times.inner.push(result.inner);
      }
    }
    const ferrySeconds = median(times.ferry);
    const opensshSeconds = median(times.openssh);
    const ratio = opensshSeconds / ferrySeconds;
    summary.push({ cipher, direction, ferrySeconds, opensshSeconds, ratio });
    console.log(
      `  ${direction.padEnd(8)} Ferry ${ferrySeconds.toFixed(2)} s (${rate(ferrySeconds)}; ${median(times.inner).toFixed(2)} s inside the transfer)` +
        `  OpenSSH ${opensshSeconds.toFixed(2)} s (${rate(opensshSeconds)})  ratio ${ratio.toFixed(2)}x` +
        `  [Ferry ${times.ferry.map((s) => s.toFixed(2)).join(' ')} | OpenSSH ${times.openssh.map((s) => s.toFixed(2)).join(' ')}]`,
    );
  }
}
console.log('\nratio = OpenSSH time / Ferry time (wall clock of the whole command, median); target >= 1.00x');
for (const row of summary)
  console.log(`  ${row.cipher.padEnd(30)} ${row.direction.padEnd(8)} ${row.ratio.toFixed(2)}x`);
