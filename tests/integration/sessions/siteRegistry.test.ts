import { randomBytes } from 'node:crypto';
import { chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FerryError } from '../../../shared/errors.js';
import type { SftpPromptRequest } from '../../../electron/core/remote/connectOptions.js';
import { SiteRegistry } from '../../../electron/core/sessions/siteRegistry.js';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import { loadServers } from '../../servers/config.js';
import {
  startScriptedSftpServer,
  type ScriptedSftpOptions,
  type ScriptedSftpServer,
} from '../../servers/scriptedSftpServer.js';

// What the remote pane asks of a connected site, against the real servers:
// folder changes, recursive delete, and trust that is remembered when the
// user says "Always trust".

const servers = loadServers();
const user = servers.users.password;
let dataFolder: string;
let remote: string;
let sites: SiteRegistry;

const urls = {
  ftp: `ftp://${user.name}@${servers.host}:${servers.ftp.port}`,
  ftpes: `ftpes://${user.name}@${servers.host}:${servers.ftp.port}`,
  sftp: `sftp://${user.name}@${servers.host}:${servers.sftp.port}`,
};
const trust = { ftp: undefined, ftpes: servers.tls.fingerprint256, sftp: servers.sftp.hostKeyFingerprint };

function registry(): SiteRegistry {
  return new SiteRegistry({ dataFolder, log: () => undefined });
}

beforeEach(async () => {
  dataFolder = await mkdtemp(join(tmpdir(), 'ferry-sites-'));
  remote = join(user.home, `sites-${randomBytes(4).toString('hex')}`);
  await mkdir(remote);
  await chown(remote, user.uid, user.gid);
  sites = registry();
});

afterEach(async () => {
  await sites.closeAll();
  await rm(dataFolder, { recursive: true, force: true });
  await rm(remote, { recursive: true, force: true });
});

describe.each(['ftp', 'sftp'] as const)('remote folder operations over %s', (protocol) => {
  it('creates, renames and deletes, folders with everything in them', async () => {
    const fingerprint = trust[protocol];
    const site = await sites.connect({
      url: urls[protocol],
      password: user.password,
      ...(fingerprint === undefined ? {} : { trustFingerprint: fingerprint }),
    });
    // A window that opens later learns of the connection as connect() described it.
    expect(sites.connectedSites()).toEqual([site]);
    await sites.mkdir(site.site, remote, 'tree');
    await sites.mkdir(site.site, `${remote}/tree`, 'deep');
    for (const path of ['tree/a.txt', 'tree/deep/b.txt', 'loose.txt']) {
      await writeFile(join(remote, path), path);
      await chown(join(remote, path), user.uid, user.gid);
    }
    await sites.rename(site.site, remote, 'loose.txt', 'kept.txt');
    expect((await sites.list(site.site, remote)).map((e) => e.name).sort()).toEqual(['kept.txt', 'tree']);

    // The server would replace what is there; Ferry refuses instead, for a file and a folder alike.
    for (const taken of ['tree', 'kept.txt']) {
      const source = taken === 'tree' ? 'kept.txt' : 'tree';
      const refused = await sites.rename(site.site, remote, source, taken).catch((e: unknown) => e);
      expect((refused as FerryError).code).toBe('ALREADY_EXISTS');
    }
    expect(await readFile(join(remote, 'kept.txt'), 'utf8')).toBe('loose.txt');
    expect(await readFile(join(remote, 'tree', 'a.txt'), 'utf8')).toBe('tree/a.txt');

    await sites.delete(site.site, remote, ['tree']);
    expect(await readdir(remote)).toEqual(['kept.txt']);
    expect(await readFile(join(remote, 'kept.txt'), 'utf8')).toBe('loose.txt');

    const missing = await sites.delete(site.site, remote, ['nothing-here']).catch((e: unknown) => e);
    expect((missing as FerryError).code).toBe('NOT_FOUND');
  });
});

describe('a connection that fails', () => {
  it('says why in the message log as well as to the caller', async () => {
    const lines: { kind: string; text: string }[] = [];
    const logged = new SiteRegistry({ dataFolder, log: (_site, kind, text) => lines.push({ kind, text }) });
    try {
      const error = await logged.connect({ url: urls.ftp, password: 'not-the-password' }).catch((e: unknown) => e);
      expect((error as FerryError).code).toBe('AUTH_FAILED');
      expect(lines.at(-1)).toEqual({ kind: 'error', text: `Cannot connect: ${(error as FerryError).message}` });
    } finally {
      await logged.closeAll();
    }
  });
});

describe('trust the user chose to keep', () => {
  it('pins an FTPS certificate only when told to always trust it', async () => {
    const refused = await sites.connect({ url: urls.ftpes, password: user.password }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FerryError);
    expect((refused as FerryError).code).toBe('TLS_UNTRUSTED');

    await sites.connect({ url: urls.ftpes, password: user.password, trustFingerprint: trust.ftpes });
    await sites.closeAll();
    const once = await registry()
      .connect({ url: urls.ftpes, password: user.password })
      .catch((e: unknown) => e);
    expect((once as FerryError).code).toBe('TLS_UNTRUSTED');

    await sites.connect({
      url: urls.ftpes,
      password: user.password,
      trustFingerprint: trust.ftpes,
      rememberTrust: true,
    });
    await sites.closeAll();
    const later = registry();
    try {
      const site = await later.connect({ url: urls.ftpes, password: user.password });
      expect(site.protocol).toBe('ftp');
    } finally {
      await later.closeAll();
    }
  });

  it('stores an SSH host key in known_hosts only when told to always trust it', async () => {
    const knownHosts = join(dataFolder, 'known_hosts');
    await sites.connect({ url: urls.sftp, password: user.password, trustFingerprint: trust.sftp });
    await expect(readFile(knownHosts, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });

    // A fingerprint that does not match is refused, and nothing is stored.
    const wrong = await sites
      .connect({ url: urls.sftp, password: user.password, trustFingerprint: 'SHA256:AAAA', rememberTrust: true })
      .catch((e: unknown) => e);
    expect((wrong as FerryError).code).toBe('HOSTKEY_UNKNOWN');
    await expect(readFile(knownHosts, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });

    await sites.connect({ url: urls.sftp, password: user.password, trustFingerprint: trust.sftp, rememberTrust: true });
    expect(await readFile(knownHosts, 'utf8')).toContain(`[${servers.host}]:${servers.sftp.port}`);
    const later = registry();
    try {
      await later.connect({ url: urls.sftp, password: user.password });
    } finally {
      await later.closeAll();
    }
  });
});

describe("an SSH server's second factor", () => {
  it('asks the user for a one-time code the password cannot answer, and refuses a wrong one', async () => {
    const server = await startScriptedSftpServer({ verificationCode: '493817' });
    const asked: SftpPromptRequest[] = [];
    const withAnswer = (answer: string | null): SiteRegistry =>
      new SiteRegistry({
        dataFolder,
        log: () => undefined,
        ask: (_site, request) => {
          asked.push(request);
          return Promise.resolve(answer === null ? null : [answer]);
        },
      });
    const url = `sftp://${server.user}@127.0.0.1:${server.port}`;
    const request = { url, password: server.password, trustFingerprint: server.fingerprint };
    const right = withAnswer('493817');
    try {
      const site = await right.connect(request);
      expect(site.protocol).toBe('sftp');
      // The password round was answered without asking; only the code was put to the user.
      expect(asked).toEqual([
        { name: 'Two-factor check', instructions: '', prompts: [{ prompt: 'Verification code: ', echo: false }] },
      ]);
      for (const answer of ['000000', null]) {
        const wrong = withAnswer(answer);
        const error = await wrong.connect(request).catch((e: unknown) => e);
        expect((error as FerryError).code).toBe('AUTH_FAILED');
        await wrong.closeAll();
      }
    } finally {
      await right.closeAll();
      await server.close();
    }
  });
});

/** A site on a scripted server that asks for a one-time code, with a count of the times the user was asked. */
interface CodeSite {
  server: ScriptedSftpServer;
  registry: SiteRegistry;
  site: string;
  /** Times the user was asked for the code so far. */
  asked: () => number;
  /** The message log's lines. */
  lines: string[];
}

/** Runs `body` against a fresh one-time-code site, closing everything after. */
async function withCodeSite(
  options: ScriptedSftpOptions & { limit?: number },
  body: (site: CodeSite) => Promise<void>,
): Promise<void> {
  const server = await startScriptedSftpServer({ verificationCode: '493817', ...options });
  let asked = 0;
  const lines: string[] = [];
  const registry = new SiteRegistry({
    dataFolder,
    log: (_site, _kind, text) => lines.push(text),
    ask: () => {
      asked += 1;
      return Promise.resolve(['493817']);
    },
  });
  try {
    const { site } = await registry.connect({
      url: `sftp://${server.user}@127.0.0.1:${server.port}`,
      password: server.password,
      trustFingerprint: server.fingerprint,
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
    await body({ server, registry, site, asked: () => asked, lines });
  } finally {
    await registry.closeAll();
    await server.close();
  }
}

describe('transfers to an SSH server with a second factor', () => {
  it('run on more channels of the logged-in connection, so the code is asked for once', async () => {
    await withCodeSite({ limit: 3 }, async ({ server, registry, site, asked, lines }) => {
      server.files.set('/data.bin', randomBytes(200_000));
      const pool = registry.pool(site);
      const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
      const sizes = await Promise.all(leases.map((lease) => lease.session.stat('/data.bin').then((e) => e.size)));
      expect(sizes).toEqual([200_000, 200_000, 200_000]);
      expect(asked()).toBe(1);
      expect(lines.filter((line) => line.startsWith('Opened another SFTP channel'))).toHaveLength(3);
      // Whole transfers run on them, at once.
      const targets = leases.map((_, index) => join(dataFolder, `data-${index}.bin`));
      await Promise.all(leases.map((lease, index) => downloadFile(lease.session, '/data.bin', targets[index] ?? '')));
      for (const target of targets) expect(await readFile(target)).toEqual(server.files.get('/data.bin'));

      // A transfer channel that closes leaves the connection, and the window's listing, working.
      for (const lease of leases) lease.discard();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await registry.list(site, '/')).map((entry) => entry.name)).toContain('data.bin');
      expect(asked()).toBe(1);
    });
  });

  it('log in anew, asking again, when the server allows no more channels', async () => {
    await withCodeSite({ misbehaviour: { refuseSecondChannel: true } }, async ({ server, registry, site, asked }) => {
      server.files.set('/data.bin', randomBytes(1000));
      const lease = await registry.pool(site).acquire();
      expect((await lease.session.stat('/data.bin')).size).toBe(1000);
      expect(asked()).toBe(2);
      lease.release();
    });
  });

  it('ask once more after the connection drops, however many transfers reconnect', async () => {
    await withCodeSite({ limit: 3 }, async ({ server, registry, site, asked }) => {
      server.files.set('/data.bin', randomBytes(1000));
      const pool = registry.pool(site);
      const stat = async (): Promise<number> => {
        const lease = await pool.acquire();
        try {
          return (await lease.session.stat('/data.bin')).size;
        } finally {
          lease.release();
        }
      };
      expect(await Promise.all([stat(), stat(), stat()])).toEqual([1000, 1000, 1000]);
      expect(asked()).toBe(1);

      server.dropConnections();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await Promise.all([stat(), stat(), stat()])).toEqual([1000, 1000, 1000]);
      expect(asked()).toBe(2);
    });
  });
});
