// FTP throughput: `ferry get`/`ferry put` of a 1 GiB file against the test
// vsftpd on loopback, side by side with curl in the same run, for plain
// passive, explicit-TLS passive and plain active. Prints each tool's best
// wall time over a few rounds and Ferry's throughput as a ratio of curl's
// (targets: >= 0.9 passive, >= 0.8 active). Neither tool fsyncs a download
// by default (Ferry does with --fsync); for reference, downloads also show
// curl followed by `sync FILE` and Ferry's ratio to that.
// The last columns take Ferry's own "seconds" from --json (the transfer,
// without the CLI's start-up and login) against curl's whole run, then
// each tool's CPU seconds (the least of the rounds), which vary far less
// than wall times on a busy machine.
// Every timed run starts after a `sync`: a run that begins while the
// kernel still writes back the gigabyte the previous one left dirty would
// pay for it, whichever tool that was.
// Reports; never fails on speed.
//
// Needs the test servers (bash tests/servers/start.sh, as root) and the
// built CLI (npm run build). Run with its own vitest config (it is no part
// of npm test): npm run bench:ftp
// FERRY_BENCH_ROUNDS (default 5) sets the rounds; FERRY_BENCH_MIB the size;
// FERRY_BENCH_CASES runs only the cases whose label contains one of its
// comma-separated words, e.g. FERRY_BENCH_CASES=active or =upload,TLS.
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { loadServers } from '../servers/config.js';
import { childCpuSeconds } from './childCpu.js';

// A NODE_EXTRA_CA_CERTS in the environment (some systems point it at the
// whole system bundle) makes Node 20 parse that file at every start, TLS or
// not: about 40 ms per run here. Ferry reads the system store itself at its
// first TLS connection (core/trust/systemCertificates.ts), and the peers
// ignore the variable, so every tool runs without it.
delete process.env['NODE_EXTRA_CA_CERTS'];

const repo = fileURLToPath(new URL('../../', import.meta.url));
const state = loadServers();
const user = state.users.password;
const host = state.host;
const port = state.ftp.port;
const rounds = Number(process.env['FERRY_BENCH_ROUNDS'] ?? 5);
const size = Number(process.env['FERRY_BENCH_MIB'] ?? 1024) * 1024 * 1024;

const name = 'ferry-bench.bin';
const remoteFile = join(user.home, name);

type Tool = 'ferry' | 'curl';
type Command = [string, string[]];

/** One case: how each tool moves the file, where its copy goes, and how to remove it. */
interface Case {
  label: string;
  target: number;
  ferry: (dest: string) => Command;
  curl: (dest: string) => Command;
  cleanup: (dest: string) => void;
  dest: (tool: Tool) => string;
  /** Downloads: what `--fsync` adds to Ferry, done after curl and timed apart, for reference. */
  flush?: (dest: string) => Command;
}

function makeFile(): void {
  if (existsSync(remoteFile) && statSync(remoteFile).size === size) return;
  const block = Buffer.alloc(8 * 1024 * 1024);
  const fd = openSync(remoteFile, 'w');
  for (let written = 0; written < size; written += block.length) {
    randomFillSync(block);
    writeSync(fd, block, 0, Math.min(block.length, size - written));
  }
  closeSync(fd);
  chownSync(remoteFile, user.uid, user.gid);
}

/**
 * Runs a command; its wall seconds, its CPU seconds, and the seconds it
 * reports itself (ferry --json) when it does.
 */
function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): { wall: number; cpu: number; own: number } {
  const cpuBefore = childCpuSeconds();
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: repo, env: { ...process.env, ...env }, encoding: 'utf8' });
  const wall = (performance.now() - started) / 1000;
  const cpu = childCpuSeconds() - cpuBefore;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  const own = /"seconds":([0-9.]+)/.exec(result.stdout)?.[1];
  return { wall, cpu, own: own === undefined ? wall : Number(own) };
}

const ferryUrl = (scheme: string, path: string): string => `${scheme}://${user.name}@${host}:${port}${path}`;
// curl's FTP paths are relative to the login folder, which holds the file.
const curlUrl = (path: string): string => `ftp://${host}:${port}/${path}`;
const pin = ['--trust-fingerprint', state.tls.fingerprint256];

function cases(local: string): Case[] {
  const credentials = ['-u', `${user.name}:${user.password}`];
  const download = (
    label: string,
    scheme: string,
    ferryFlags: string[],
    curlFlags: string[],
    target: number,
  ): Case => ({
    label,
    target,
    ferry: (dest) => ['node', ['bin/ferry.js', 'get', '--json', ...ferryFlags, ferryUrl(scheme, remoteFile), dest]],
    curl: (dest) => ['curl', ['-sS', '--fail', ...credentials, ...curlFlags, '-o', dest, curlUrl(name)]],
    cleanup: (dest) => rmSync(dest, { force: true }),
    dest: (tool) => join(local, `${tool}.bin`),
    flush: (dest) => ['sync', [dest]],
  });
  const upload = (label: string, scheme: string, ferryFlags: string[], curlFlags: string[], target: number): Case => ({
    label,
    target,
    ferry: (dest) => [
      'node',
      ['bin/ferry.js', 'put', '--json', ...ferryFlags, remoteFile, ferryUrl(scheme, join(user.home, dest))],
    ],
    curl: (dest) => ['curl', ['-sS', '--fail', ...credentials, ...curlFlags, '-T', remoteFile, curlUrl(dest)]],
    cleanup: (dest) => rmSync(join(user.home, dest), { force: true }),
    dest: (tool) => `bench-up-${tool}.bin`,
  });
  const tls = ['--ssl-reqd', '--cacert', state.tls.certPath];
  const active = ['--ftp-port', host];
  return [
    download('download, plain, passive', 'ftp', [], [], 0.9),
    download('download, explicit TLS, passive', 'ftpes', pin, tls, 0.9),
    download('download, plain, active', 'ftp', ['--active'], active, 0.8),
    upload('upload, plain, passive', 'ftp', [], [], 0.9),
    upload('upload, explicit TLS, passive', 'ftpes', pin, tls, 0.9),
    upload('upload, plain, active', 'ftp', ['--active'], active, 0.8),
  ];
}

/** The cases FERRY_BENCH_CASES selects (all without it); naming none that exists is an error, not an empty run. */
function selected(all: Case[]): Case[] {
  const words = (process.env['FERRY_BENCH_CASES'] ?? '')
    .split(',')
    .map((word) => word.trim())
    .filter((word) => word !== '');
  if (words.length === 0) return all;
  const chosen = all.filter((entry) => words.some((word) => entry.label.includes(word)));
  if (chosen.length === 0) throw new Error(`FERRY_BENCH_CASES=${words.join(',')} matches no case`);
  return chosen;
}

/** Wall and CPU seconds of one run of `tool`, the seconds it reports itself, and the fsync after it (curl downloads). */
function measure(entry: Case, tool: Tool): { seconds: number; cpu: number; own: number; flush: number } {
  const dest = entry.dest(tool);
  const [command, args] = entry[tool](dest);
  spawnSync('sync');
  try {
    const { wall, cpu, own } = run(command, args, { FERRY_PASSWORD: user.password });
    const flush = tool === 'curl' && entry.flush ? run(...entry.flush(dest)).wall : 0;
    return { seconds: wall, cpu, own, flush };
  } finally {
    entry.cleanup(dest);
  }
}

test('FTP throughput against curl', () => {
  const local = mkdtempSync(join(tmpdir(), 'ferry-bench-ftp-'));
  try {
    makeFile();
    const mib = size / 1024 / 1024;
    console.log(`FTP benchmark: ${mib} MiB against vsftpd on ${host}:${port}, best of ${rounds} rounds per tool`);
    console.log(`curl: ${spawnSync('curl', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '?'}`);
    console.log('');
    console.log(
      'case                               ferry s  ferry MiB/s   curl s  curl MiB/s   ratio  target   curl+fsync s  ratio  ferry transfer s  ratio  ferry cpu s  curl cpu s',
    );
    for (const entry of selected(cases(local))) {
      const best = { ferry: Infinity, curl: Infinity, curlFlushed: Infinity, ferryOwn: Infinity };
      const leastCpu = { ferry: Infinity, curl: Infinity };
      for (let round = 0; round < rounds; round++) {
        // Alternate who goes first, so neither always gets the warm cache.
        const order: Tool[] = round % 2 === 0 ? ['ferry', 'curl'] : ['curl', 'ferry'];
        for (const tool of order) {
          const { seconds, cpu, own, flush } = measure(entry, tool);
          best[tool] = Math.min(best[tool], seconds);
          leastCpu[tool] = Math.min(leastCpu[tool], cpu);
          if (tool === 'ferry') best.ferryOwn = Math.min(best.ferryOwn, own);
          if (tool === 'curl') best.curlFlushed = Math.min(best.curlFlushed, seconds + flush);
        }
      }
      const ratio = best.curl / best.ferry;
      const line = [
        entry.label.padEnd(33),
        best.ferry.toFixed(2).padStart(8),
        (mib / best.ferry).toFixed(0).padStart(12),
        best.curl.toFixed(2).padStart(8),
        (mib / best.curl).toFixed(0).padStart(11),
        `${ratio.toFixed(2)}x`.padStart(7),
        `>= ${entry.target}x${ratio >= entry.target ? '' : ' (below)'}`.padStart(8),
        entry.flush ? best.curlFlushed.toFixed(2).padStart(14) : '-'.padStart(14),
        entry.flush ? `${(best.curlFlushed / best.ferry).toFixed(2)}x`.padStart(6) : '-'.padStart(6),
        best.ferryOwn.toFixed(2).padStart(17),
        `${(best.curl / best.ferryOwn).toFixed(2)}x`.padStart(6),
        leastCpu.ferry.toFixed(2).padStart(12),
        leastCpu.curl.toFixed(2).padStart(11),
      ];
      console.log(line.join(' '));
    }
  } finally {
    rmSync(local, { recursive: true, force: true });
    rmSync(remoteFile, { force: true });
  }
});
