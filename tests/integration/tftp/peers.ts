// Starts and stops the extra TFTP servers of tests/servers/tftp-peer.sh
// (atftpd, and tftpd-hpa refusing all options) for one test file.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freeUdpPort, REPO_ROOT, runTool, tempDir } from './fixtures.js';

export interface PeerServer {
  port: number;
  /** The served folder (world-writable). */
  root: string;
  stop(): Promise<void>;
}

const SCRIPT = join(REPO_ROOT, 'tests/servers/tftp-peer.sh');

export async function startPeer(kind: 'atftpd' | 'tftpd-plain'): Promise<PeerServer> {
  const dir = await tempDir(kind);
  // A free port can be taken between the check and the start; try a few.
  for (let attempt = 0; ; attempt++) {
    const port = await freeUdpPort();
    const started = await runTool('bash', [SCRIPT, 'start', kind, String(port), dir], 30_000);
    if (started.code === 0) {
      return {
        port,
        root: join(dir, 'root'),
        stop: async () => {
          await runTool('bash', [SCRIPT, 'stop', dir], 30_000);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    if (attempt >= 3) throw new Error(`could not start ${kind}: ${started.stderr}`);
  }
}
