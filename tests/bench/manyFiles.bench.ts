// Many small files: 2000 × 4 KiB in 20 folders, downloaded and uploaded by
// `ferry get -r` / `ferry put -r` (4 connections) and by `lftp mirror` with
// --parallel=4 and --parallel=8 in the same run, over FTP, FTPS (explicit)
// and SFTP; SFTP also against OpenSSH's `sftp -r`. The tools take turns,
// round by round; prints each tool's best time of the rounds and Ferry's
// time as a ratio of the fastest peer
// (targets: FTP ≤ 1.0×, FTPS ≤ 0.5×, SFTP ≤ 1.0×), and below it each
// tool's CPU seconds (the least of the rounds); for the FTP download
// also ftpBareMirror.mjs, the least a Node program does for it (a reference,
// not a peer). Then the peak memory of the ferry process during a 1 GiB
// download (target < 150 MB).
// Reports; never fails on speed.
//
// Needs the test servers (bash tests/servers/start.sh, as root) and the
// built CLI (npm run build). Run: npm run bench:many
// FERRY_BENCH_ROUNDS (default 2) sets the rounds; FERRY_BENCH_PROTOCOLS
// (default ftp,ftpes,sftp) which protocols run, e.g. FERRY_BENCH_PROTOCOLS=ftp,ftpes.
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
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
const keyUser = state.users.key;
const passwordUser = state.users.password;
const rounds = Number(process.env['FERRY_BENCH_ROUNDS'] ?? 2);
const FILES = 2000;

type Protocol = 'ftp' | 'ftpes' | 'sftp';
const PROTOCOLS: readonly Protocol[] = ['ftp', 'ftpes', 'sftp'];

/** The protocols FERRY_BENCH_PROTOCOLS names (all by default); an unknown name is an error, not a silent skip. */
function selectedProtocols(): Protocol[] {
  const names = (process.env['FERRY_BENCH_PROTOCOLS'] ?? PROTOCOLS.join(','))
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!(PROTOCOLS as readonly string[]).includes(name)) {
      throw new Error(`FERRY_BENCH_PROTOCOLS: unknown protocol "${name}" (known: ${PROTOCOLS.join(', ')})`);
    }
  }
  return PROTOCOLS.filter((protocol) => names.includes(protocol));
}
const protocols = selectedProtocols();
type Direction = 'download' | 'upload';
type Command = [string, string[], NodeJS.ProcessEnv?];

const work = mkdtempSync(join(tmpdir(), 'ferry-bench-many-'));
const localTree = join(work, 'tree');

function makeTree(root: string): void {
  const block = Buffer.alloc(4096);
  for (let i = 0; i < FILES; i++) {
    const folder = join(root, `dir-${i % 20}`);
    mkdirSync(folder, { recursive: true });
    randomFillSync(block);
    writeFileSync(join(folder, `file-${i}.bin`), block);
  }
}

function userFor(protocol: Protocol) {
  return protocol === 'sftp' ? keyUser : passwordUser;
}

/**
 * Where the server-side trees live. The download tree is made once and only
 * read, so runs share it; each run uploads into a folder of its own, so two
 * benchmarks running at once (other worktrees) cannot trip over each other.
 */
function remoteRoot(protocol: Protocol, direction: Direction): string {
  const suffix = direction === 'upload' ? `-${process.pid}` : '';
  return join(userFor(protocol).home, `bench-many-${protocol}-${direction}${suffix}`);
}

function url(protocol: Protocol, path: string): string {
  const port = protocol === 'sftp' ? state.sftp.port : state.ftp.port;
  return `${protocol}://${userFor(protocol).name}@${state.host}:${port}${path}`;
}

function trustArgs(protocol: Protocol): string[] {
  if (protocol === 'ftpes') return ['--trust-fingerprint', state.tls.fingerprint256];
  if (protocol === 'sftp')
    return ['--trust-fingerprint', state.sftp.hostKeyFingerprint, '--identity', keyUser.privateKeyPath];
  return [];
}

function ferryCommand(args: string[]): Command {
  return [
    process.execPath,
    [join(repo, 'bin/ferry.js'), ...args],
    { ...process.env, FERRY_HOME: join(work, 'home'), FERRY_PASSWORD: passwordUser.password },
  ];
}

function ferry(protocol: Protocol, direction: Direction, parallel: number, dest: string): Command {
  const common = ['-r', '-P', String(parallel), '--json', ...trustArgs(protocol)];
  return direction === 'download'
    ? ferryCommand(['get', ...common, url(protocol, join(remoteRoot(protocol, 'download'), 'tree')), dest])
    : ferryCommand(['put', ...common, localTree, `${url(protocol, dest)}/`]);
}

function lftp(protocol: Protocol, direction: Direction, parallel: number, dest: string): Command {
  const settings =
    protocol === 'ftp'
      ? 'set ftp:ssl-allow no;'
      : protocol === 'ftpes'
        ? `set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:ca-file ${state.tls.certPath}; set ssl:check-hostname no;`
        : `set sftp:auto-confirm yes; set sftp:connect-program "ssh -a -x -i ${keyUser.privateKeyPath} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null";`;
  const mirror =
    direction === 'download'
      ? `mirror --parallel=${parallel} ${join(remoteRoot(protocol, 'download'), 'tree')} ${dest}`
      : `mirror -R --parallel=${parallel} ${localTree} ${dest}`;
  const port = protocol === 'sftp' ? state.sftp.port : state.ftp.port;
  const scheme = protocol === 'sftp' ? 'sftp' : 'ftp';
  const login = protocol === 'sftp' ? `${keyUser.name},` : `${passwordUser.name},${passwordUser.password}`;
  return ['lftp', ['-u', login, '-e', `${settings} ${mirror}; quit`, `${scheme}://${state.host}:${port}`]];
}

function openssh(direction: Direction, dest: string): Command {
  const batch = join(work, `sftp-${direction}.batch`);
  writeFileSync(
    batch,
    direction === 'download'
      ? `get -r ${join(remoteRoot('sftp', 'download'), 'tree')} ${dest}\n`
      : `put -r ${localTree} ${dest}\n`,
  );
  return [
    'sftp',
    [
      '-q',
      '-b',
      batch,
      '-i',
      keyUser.privateKeyPath,
      '-P',
      String(state.sftp.port),
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      `${keyUser.name}@${state.host}`,
    ],
  ];
}

/** ftpBareMirror.mjs: the least a Node program does for the FTP download, with 4 connections like Ferry. */
function bareMirror(dest: string): Command {
  mkdirSync(dest, { recursive: true });
  return [
    process.execPath,
    [
      join(repo, 'tests/bench/ftpBareMirror.mjs'),
      state.host,
      String(state.ftp.port),
      passwordUser.name,
      passwordUser.password,
      join(remoteRoot('ftp', 'download'), 'tree'),
      dest,
      '4',
    ],
  ];
}

/** One run of a command: its wall seconds and the CPU seconds it used. */
function time([command, args, env]: Command): { seconds: number; cpu: number } {
  const started = performance.now();
  const cpuBefore = childCpuSeconds();
  const result = spawnSync(command, args, { env: env ?? process.env, encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0)
    throw new Error(`${command} failed (${String(result.status)}): ${result.stderr.slice(0, 500)}`);
  return { seconds, cpu: childCpuSeconds() - cpuBefore };
}

type Tool = [name: string, make: (dest: string) => Command];

/**
 * Runs every tool a few rounds, interleaved (each round in another order),
 * each time into a destination of its own; the best time of each. Nothing
 * is deleted until the end of the benchmark: on ext4 without a journal
 * (this machine's), creating a file passes over every inode deleted in the
 * last five minutes, so deleting the previous round's 2000 files made each
 * later run slower than the one before, and the tools that ran later lost.
 */
function bestOf(
  protocol: Protocol,
  direction: Direction,
  tools: readonly Tool[],
): Map<string, { seconds: number; cpu: number }> {
  const fastest = new Map(tools.map(([name]) => [name, { seconds: Infinity, cpu: Infinity }]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < tools.length; i++) {
      const [name, make] = tools[(i + round) % tools.length] as Tool;
      const slug = `${name.replace(/[^a-z0-9]+/gi, '-')}-${round}`;
      let dest: string;
      if (direction === 'download') {
        dest = join(work, `dl-${protocol}-${slug}`);
      } else {
        const base = join(remoteRoot(protocol, 'upload'), slug);
        mkdirSync(base, { recursive: true });
        const owner = userFor(protocol);
        chownSync(remoteRoot(protocol, 'upload'), owner.uid, owner.gid);
        chownSync(base, owner.uid, owner.gid);
        dest = join(base, 'tree');
      }
      const run = time(make(dest));
      const best = fastest.get(name) ?? { seconds: Infinity, cpu: Infinity };
      fastest.set(name, { seconds: Math.min(best.seconds, run.seconds), cpu: Math.min(best.cpu, run.cpu) });
    }
  }
  return fastest;
}

function prepareServerTree(protocol: Protocol): void {
  const root = remoteRoot(protocol, 'download');
  if (existsSync(join(root, 'tree'))) return;
  mkdirSync(root, { recursive: true });
  spawnSync('cp', ['-r', localTree, root]);
  const owner = userFor(protocol);
  spawnSync('chown', ['-R', `${owner.uid}:${owner.gid}`, root]);
}

const TARGETS: Record<Protocol, number> = { ftp: 1.0, ftpes: 0.5, sftp: 1.0 };

test('many small files: ferry vs lftp (and OpenSSH sftp)', () => {
  makeTree(localTree);
  const rows: string[] = [];
  for (const protocol of protocols) {
    prepareServerTree(protocol);
    for (const direction of ['download', 'upload'] as const) {
      const peers: Tool[] = [
        ['lftp -P4', (dest) => lftp(protocol, direction, 4, dest)],
        ['lftp -P8', (dest) => lftp(protocol, direction, 8, dest)],
      ];
      if (protocol === 'sftp') peers.push(['sftp -r', (dest) => openssh(direction, dest)]);
      // For reference, not a peer: the least a Node program does for the same download.
      const floor: Tool[] = protocol === 'ftp' && direction === 'download' ? [['Node floor', bareMirror]] : [];
      const times = bestOf(protocol, direction, [
        ['ferry -P4', (dest) => ferry(protocol, direction, 4, dest)],
        ...peers,
        ...floor,
      ]);
      const seconds = (name: string): number => times.get(name)?.seconds ?? Infinity;
      const cpu = (name: string): number => times.get(name)?.cpu ?? Infinity;
      const ours = seconds('ferry -P4');
      const fastest = Math.min(...peers.map(([name]) => seconds(name)));
      const ratio = ours / fastest;
      rows.push(
        `${protocol.padEnd(6)} ${direction.padEnd(9)} ferry -P4 ${ours.toFixed(2)} s | ${peers.map(([name]) => `${name} ${seconds(name).toFixed(2)} s`).join(' | ')} | ratio ${ratio.toFixed(2)}× (target ≤ ${TARGETS[protocol].toFixed(1)}×) ${ratio <= TARGETS[protocol] ? 'met' : 'missed'}${floor.length > 0 ? ` | Node floor ${seconds('Node floor').toFixed(2)} s` : ''}`,
      );
      console.log(rows.at(-1));
      // CPU seconds (least of the rounds): what each tool itself spends, steadier than wall time on a busy machine.
      const names = ['ferry -P4', ...[...peers, ...floor].map(([name]) => name)];
      rows.push(`${''.padEnd(16)} cpu: ${names.map((name) => `${name} ${cpu(name).toFixed(2)} s`).join(' | ')}`);
      console.log(rows.at(-1));
    }
  }

  // Peak memory of the process during a 1 GiB download.
  const big = join(keyUser.home, 'bench-rss.bin');
  if (!existsSync(big) || statSync(big).size !== 1024 ** 3) {
    const fd = openSync(big, 'w');
    const block = Buffer.alloc(8 * 1024 * 1024);
    for (let written = 0; written < 1024 ** 3; written += block.length) writeSync(fd, randomFillSync(block));
    closeSync(fd);
    chownSync(big, keyUser.uid, keyUser.gid);
  }
  // FTPS moves its data like FTP does, so either one selects the FTP row.
  const rssProtocols = (['sftp', 'ftp'] as const).filter(
    (protocol) => protocols.includes(protocol) || (protocol === 'ftp' && protocols.includes('ftpes')),
  );
  for (const protocol of rssProtocols) {
    const source = protocol === 'sftp' ? big : join(passwordUser.home, 'bench-rss.bin');
    if (protocol === 'ftp' && !existsSync(source)) {
      spawnSync('cp', [big, source]);
      chownSync(source, passwordUser.uid, passwordUser.gid);
    }
    const dest = join(work, `rss-${protocol}.bin`);
    const [command, args, env] = ferryCommand(['get', '--json', ...trustArgs(protocol), url(protocol, source), dest]);
    const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { env, encoding: 'utf8' });
    const peakKb = Number(result.stderr.trim().split('\n').at(-1));
    rows.push(`peak RSS, 1 GiB ${protocol} download: ${(peakKb / 1024).toFixed(0)} MB (target < 150 MB)`);
    console.log(rows.at(-1));
    rmSync(dest, { force: true });
  }
  console.log(`\n${rows.join('\n')}`);
  for (const protocol of protocols) rmSync(remoteRoot(protocol, 'upload'), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});
