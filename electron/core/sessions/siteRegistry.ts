import type { FileEntry } from '../../../shared/entries.js';
import { FerryError } from '../../../shared/errors.js';
import { joinRemote } from '../../../shared/remotePath.js';
import { parseFerryUrl, type FerryUrl } from '../../../shared/url.js';
import type { LogKind } from '../log/messageLog.js';
import type { ConnectOptions, SftpPromptRequest } from '../remote/connectOptions.js';
import { deleteTree } from '../remote/deleteTree.js';
import { openRemote } from '../remote/openRemote.js';
import type { Capabilities, RemoteFileSystem } from '../remote/remoteFileSystem.js';
import type { SiteDirectory } from '../transfers/transferQueue.js';
import { PinnedCertificates } from '../trust/pinnedCertificates.js';
import { SessionPool } from './sessionPool.js';

/** How a person asks to connect: a URL and what the URL cannot say. */
export interface ConnectRequest {
  url: string;
  password?: string;
  ftpMode?: 'passive' | 'active';
  /** A certificate or host-key fingerprint the user chose to trust. */
  trustFingerprint?: string;
  /** Keep trusting `trustFingerprint` for this server: a known_hosts entry, or a pinned certificate. */
  rememberTrust?: boolean;
  /** Transfer connections; one more is used for browsing. */
  limit?: number;
}

export interface ConnectedSite {
  site: string;
  protocol: FerryUrl['protocol'];
  initialFolder: string;
  capabilities: Capabilities;
}

interface Site {
  target: FerryUrl;
  options: ConnectOptions;
  pool: SessionPool;
  browser: RemoteFileSystem | null;
}

/**
 * The key a site is known by in the queue and the UI: the URL without its
 * password, e.g. `sftp://deploy@example.org:22`. Saved jobs carry it, so
 * after a restart they wait until the same site is connected again.
 */
export function siteKeyOf(target: FerryUrl): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const user = target.user === undefined ? '' : `${encodeURIComponent(target.user)}@`;
  return `${target.scheme}://${user}${host}:${target.port}`;
}

/**
 * The sites this window is connected to: per site one browsing session
 * and a pool of transfer sessions (default 4), with credentials held in
 * memory only. It is the queue's SiteDirectory.
 */
export class SiteRegistry implements SiteDirectory {
  private readonly sites = new Map<string, Site>();
  private readonly pins: PinnedCertificates;

  constructor(
    private readonly deps: {
      dataFolder: string;
      log: (site: string, kind: LogKind, text: string) => void;
      /** Called when a site becomes reachable, so waiting jobs can start. */
      onConnected?: (site: string) => void;
      /** Puts an SSH server's question (a one-time code) to the user; null declines. */
      ask?: (site: string, request: SftpPromptRequest) => Promise<string[] | null>;
    },
  ) {
    this.pins = new PinnedCertificates(deps.dataFolder);
  }

  async connect(request: ConnectRequest): Promise<ConnectedSite> {
    const parsed = parseFerryUrl(request.url);
    const { password: urlPassword, ...target } = parsed;
    const key = siteKeyOf(parsed);
    const password = request.password ?? urlPassword;
    const usesTls = target.protocol === 'ftp' && target.tls !== 'none';
    const ask = this.deps.ask;
    const certificate =
      request.trustFingerprint ?? (usesTls ? await this.pins.lookup(target.host, target.port) : undefined);
    const options: ConnectOptions = {
      dataFolder: this.deps.dataFolder,
      log: (kind, text) => this.deps.log(key, kind, text),
      ftp: {
        mode: request.ftpMode ?? 'passive',
        ...(certificate === undefined ? {} : { trustFingerprint: certificate }),
      },
      sftp: {
        ...(request.trustFingerprint === undefined ? {} : { trustFingerprint: request.trustFingerprint }),
        // With a fingerprint, accept-new stores only the key that matches it.
        ...(request.rememberTrust === true && request.trustFingerprint !== undefined ? { acceptNewHostKey: true } : {}),
        ...(ask ? { onPrompt: (prompt: SftpPromptRequest) => ask(key, prompt) } : {}),
      },
      ...(password === undefined ? {} : { password }),
    };
    await this.disconnect(key);
    const browser = await openRemote(target, options);
    if (usesTls && request.rememberTrust === true && request.trustFingerprint !== undefined) {
      await this.pins.pin(target.host, target.port, request.trustFingerprint);
      this.deps.log(key, 'info', `The certificate ${request.trustFingerprint} is trusted for this server from now on`);
    }
    const pool = new SessionPool({
      open: (signal) => openRemote(target, { ...options, signal }),
      limit: request.limit ?? 4,
      log: options.log,
    });
    this.sites.set(key, { target, options, pool, browser });
    this.deps.log(key, 'info', `Connected; ${browser.initialFolder} is the starting folder`);
    this.deps.onConnected?.(key);
    return {
      site: key,
      protocol: target.protocol,
      initialFolder: browser.initialFolder,
      capabilities: browser.capabilities,
    };
  }

  /** Lists a remote folder on the site's browsing session. */
  list(key: string, path: string): Promise<FileEntry[]> {
    return this.browse(key, (session) => session.list(path));
  }

  mkdir(key: string, folder: string, name: string): Promise<void> {
    return this.browse(key, (session) => session.mkdir(joinRemote(folder, name)));
  }

  rename(key: string, folder: string, from: string, to: string): Promise<void> {
    return this.browse(key, (session) => session.rename(joinRemote(folder, from), joinRemote(folder, to)));
  }

  /** Deletes entries of a folder; folders go with everything in them. */
  delete(key: string, folder: string, names: readonly string[]): Promise<void> {
    return this.browse(key, async (session) => {
      const entries = new Map((await session.list(folder)).map((entry) => [entry.name, entry]));
      for (const name of names) {
        const path = joinRemote(folder, name);
        if (entries.get(name)?.type === 'directory') await deleteTree(session, path);
        else await session.delete(path);
      }
    });
  }

  async disconnect(key: string): Promise<void> {
    const site = this.sites.get(key);
    if (!site) return;
    this.sites.delete(key);
    await Promise.all([site.browser?.close(), site.pool.close()]);
    this.deps.log(key, 'info', 'Disconnected');
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sites.keys()].map((key) => this.disconnect(key)));
  }

  connected(): string[] {
    return [...this.sites.keys()];
  }

  isAvailable(key: string): boolean {
    return this.sites.has(key);
  }

  pool(key: string): SessionPool {
    return this.get(key).pool;
  }

  atomicUpload(key: string): boolean {
    return this.sites.get(key)?.target.protocol === 'sftp';
  }

  private get(key: string): Site {
    const site = this.sites.get(key);
    if (!site) throw new FerryError('CONNECTION_LOST', `Not connected to ${key}`, { retryable: false });
    return site;
  }

  private async browser(site: Site): Promise<RemoteFileSystem> {
    site.browser ??= await openRemote(site.target, site.options);
    return site.browser;
  }

  /**
   * Runs a browsing action on the site's browsing session, reconnecting it
   * once if it was lost: a server that dropped an idle session should cost
   * the user nothing but a moment.
   */
  private async browse<T>(key: string, action: (session: RemoteFileSystem) => Promise<T>): Promise<T> {
    const site = this.get(key);
    try {
      return await action(await this.browser(site));
    } catch (error) {
      if (!(error instanceof FerryError && error.code === 'CONNECTION_LOST')) throw error;
      await site.browser?.close();
      site.browser = null;
      return action(await this.browser(site));
    }
  }
}
