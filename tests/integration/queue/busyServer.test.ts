import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ferry, servers, tempFolder, treeHashes, user } from './queueFixtures.js';

// A vsftpd that allows only two connections per address (max_per_ip=2)
// and answers the third with "421 There are too many connections". Ferry,
// asked for six, must back off, settle at what the server allows, and
// still deliver every file.
let vsftpd: ChildProcess;
let port: number;
let folder: string;
const remoteFolder = join(user.home, 'queue-busy');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as AddressInfo;
      server.close(() => resolve(free));
    });
  });
}

async function waitForPort(target: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: target });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`vsftpd did not listen on ${target}`);
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-busy-vsftpd-'));
  port = await freePort();
  const config = (await readFile(servers.ftp.configPath, 'utf8'))
    .split('\n')
    .filter((line) => !/^(listen_port|pasv_min_port|pasv_max_port|xferlog_file|vsftpd_log_file|max_per_ip)=/.test(line))
    .concat([
      `listen_port=${port}`,
      'pasv_min_port=40300',
      'pasv_max_port=40399',
      'max_per_ip=2',
      `xferlog_file=${join(folder, 'xfer.log')}`,
      `vsftpd_log_file=${join(folder, 'vsftpd.log')}`,
    ])
    .join('\n');
  await writeFile(join(folder, 'vsftpd.conf'), `${config}\n`, { mode: 0o600 });
  vsftpd = spawn('/usr/sbin/vsftpd', [join(folder, 'vsftpd.conf')], { stdio: 'ignore' });
  await waitForPort(port);
  await mkdir(remoteFolder, { recursive: true });
  for (let i = 0; i < 24; i++) await writeFile(join(remoteFolder, `page-${i}.html`), `<p>${i}</p>`.repeat(100 + i));
  await chown(remoteFolder, user.uid, user.gid);
}, 30_000);

afterAll(async () => {
  vsftpd.kill('SIGKILL');
  await rm(folder, { recursive: true, force: true });
  await rm(remoteFolder, { recursive: true, force: true });
});

describe('a server that allows fewer connections than asked for', () => {
  it('backs off on 421, lowers the limit for the run, and finishes every file', async () => {
    const local = await tempFolder('busy');
    const result = await ferry(
      join(local, 'home'),
      'get',
      '-r',
      '-v',
      '-P',
      '6',
      '--json',
      `ftp://${user.name}@127.0.0.1:${port}${remoteFolder}`,
      join(local, 'pages'),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ files: 24, failed: 0 });
    expect(result.err).toMatch(/421/);
    expect(result.err).toContain('using at most 2');
    expect(await treeHashes(join(local, 'pages'))).toEqual(await treeHashes(remoteFolder));
    await rm(local, { recursive: true, force: true });
  }, 120_000);
});
