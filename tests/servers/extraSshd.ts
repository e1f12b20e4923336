// A second OpenSSH sshd, private to one test, for what must not happen to
// the shared one: being killed mid-transfer, or settings of its own (such
// as a low RekeyLimit). It copies the shared sshd's configuration (same host
// key, users and authorized keys) onto a free port of its own, with its own
// pid file and log. Needs root, like start.sh.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadServers } from './config.js';

export interface ExtraSshd {
  port: number;
  /** Starts (or starts again after kill) the server on the same port. */
  start(): Promise<void>;
  /** SIGKILLs the listener and every session process it forked: connections drop mid-stream. */
  kill(): Promise<void>;
  /**
   * Finds the processes now (listener and sessions open so far) and returns
   * a function that SIGKILLs them at once, synchronously: for killing at an
   * exact point of a fast transfer, where looking them up then would be late.
   */
  prepareKill(): Promise<() => void>;
  /**
   * Stops (SIGSTOP) every session process: a server that hangs without
   * dropping anything. Returns what resumes them (SIGCONT).
   */
  freeze(): Promise<() => void>;
  /** Kills it (if running) and removes its folder. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Every process whose parent chain leads to `root` (sshd's session children call setsid, so a group kill misses them). */
async function descendants(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(name), Number(fields[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [pid, ppid] of parents) {
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

/** Prepares an extra sshd, with `settings` (sshd_config lines) added to the shared one's; call start() to run it. */
export async function createExtraSshd(settings: readonly string[] = []): Promise<ExtraSshd> {
  const shared = loadServers().sftp;
  const folder = await mkdtemp(join(tmpdir(), 'ferry-extra-sshd-'));
  const port = await freePort();
  const config = (await readFile(shared.configPath, 'utf8'))
    .split('\n')
    .filter((line) => !/^(Port|PidFile) /.test(line))
    .concat([`Port ${port}`, `PidFile ${join(folder, 'sshd.pid')}`, ...settings])
    .join('\n');
  const configPath = join(folder, 'sshd_config');
  await writeFile(configPath, `${config}\n`);
  let child: ChildProcess | null = null;

  const kill = async (): Promise<void> => {
    const running = child;
    if (!running?.pid) return;
    const pids = [running.pid, ...(await descendants(running.pid))];
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await new Promise<void>((resolve) => {
      if (running.exitCode !== null || running.signalCode !== null) resolve();
      else running.once('exit', () => resolve());
    });
    child = null;
  };

  const prepareKill = async (): Promise<() => void> => {
    const running = child;
    if (!running?.pid) return () => {};
    const pids = [running.pid, ...(await descendants(running.pid))];
    return () => {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    };
  };

  /** Sends `signal` to every process the listener forked (the sessions), and returns which. */
  const signalSessions = async (signal: NodeJS.Signals): Promise<number[]> => {
    const pids = child?.pid ? await descendants(child.pid) : [];
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
    return pids;
  };

  const freeze = async (): Promise<() => void> => {
    const pids = await signalSessions('SIGSTOP');
    return () => {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // Already gone.
        }
      }
    };
  };

  return {
    port,
    prepareKill,
    freeze,
    async start() {
      if (child) return;
      const started = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', configPath], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child = started;
      let stderr = '';
      started.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4000);
      });
      for (let i = 0; i < 200; i++) {
        if (await listening(port)) return;
        if (started.exitCode !== null) break;
        await sleep(25);
      }
      await kill();
      throw new Error(`the extra sshd did not start on port ${port}:\n${stderr}`);
    },
    kill,
    async dispose() {
      await kill();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
