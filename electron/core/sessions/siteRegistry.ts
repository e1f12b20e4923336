import type { FileEntry } from '../../../shared/entries.js';
import { FerryError } from '../../../shared/errors.js';
import { joinRemote } from '../../../shared/remotePath.js';
import { siteKeyOf } from '../../../shared/siteKey.js';
import { parseFerryUrl, type FerryUrl } from '../../../shared/url.js';
import type { LogKind } from '../log/messageLog.js';
import type { ConnectOptions, SftpPromptRequest } from '../remote/connectOptions.js';
import { deleteTree } from '../remote/deleteTree.js';
import { openRemote } from '../remote/openRemote.js';
import { renameWithoutReplacing } from '../remote/renameEntry.js';
import type { Capabilities, RemoteFileSystem } from '../remote/remoteFileSystem.js';
import { throwIfAborted, untilAborted } from '../remote/streams.js';
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
  /** What connect() answered, for a window that opens later (connectedSites). */
  described: ConnectedSite;
  target: FerryUrl;
  options: ConnectOptions;
  pool: SessionPool;
  /** The browsing session; null while it is being (re)opened, or after an open failed. */
  browser: RemoteFileSystem | null;
  /**
   * The (re)open of the browsing session under way, shared by every call
   * that needs it meanwhile: two listings that both found the session gone
   * must not each open one (one of them would never be closed). Never set
   * while `browser` is.
   */
  opening: Promise<RemoteFileSystem> | null;
  /** Aborted when the site is disconnected, so a (re)open under way stops. */
  closed: AbortController;
  /** Logging in asked the user (a one-time code): the pool then rides the browsing session's connection. */
  asksUser: boolean;
}

/** A connect() under way: what cancels it, and when it has settled (everything it opened closed or registered). */
interface ConnectAttempt {
  controller: AbortController;
  settled: Promise<unknown>;
}

/**
 * The sites this window is connected to: per site one browsing session
 * and a pool of transfer sessions (default 4), with credentials held in
 * memory only. It is the queue's SiteDirectory.
 */
export class SiteRegistry implements SiteDirectory {
  private readonly sites = new Map<string, Site>();
  /** The connect() under way per site key; at most one, see connect(). */
  private readonly attempts = new Map<string, ConnectAttempt>();
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

  /**
   * Connects to a site, replacing the connection to it there may be. A
   * second connect to a site that is still connecting replaces the first,
   * as connecting again does in FileZilla: the latest request is the one the
   * user means (often the same site with the password corrected, or its key
   * now trusted), and it should not wait behind an attempt that may hang
   * until its timeout. The first is canceled (its caller gets CANCELED), and
   * it has closed what it opened before the second opens anything, so the
   * server never holds both and nothing is left open.
   */
  async connect(request: ConnectRequest): Promise<ConnectedSite> {
    const parsed = parseFerryUrl(request.url);
    const key = siteKeyOf(parsed);
    const previous = this.attempts.get(key);
    previous?.controller.abort();
    const controller = new AbortController();
    const connected = this.connectAfter(previous?.settled, key, parsed, request, controller.signal);
    const attempt: ConnectAttempt = { controller, settled: connected.catch(() => undefined) };
    this.attempts.set(key, attempt);
    try {
      return await connected;
    } catch (error) {
      // The log tells the whole story of a connection, its failure included;
      // an attempt replaced by a newer one is no failure.
      if (!(error instanceof FerryError && error.code === 'CANCELED')) {
        this.deps.log(key, 'error', `Cannot connect: ${error instanceof Error ? error.message : String(error)}`);
      }
      throw error;
    } finally {
      if (this.attempts.get(key) === attempt) this.attempts.delete(key);
    }
  }

  /** Waits for the attempt this one replaces to settle, then connects unless `signal` fires first. */
  private async connectAfter(
    previous: Promise<unknown> | undefined,
    key: string,
    parsed: FerryUrl,
    request: ConnectRequest,
    signal: AbortSignal,
  ): Promise<ConnectedSite> {
    await previous;
    throwIfAborted(signal);
    const { password: urlPassword, ...target } = parsed;
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
    throwIfAborted(signal);
    await this.closeSite(key);
    throwIfAborted(signal);
    const browser = await openRemote(target, { ...options, signal });
    try {
      // An engine may finish opening just as the signal fires.
      throwIfAborted(signal);
      if (usesTls && request.rememberTrust === true && request.trustFingerprint !== undefined) {
        await this.pins.pin(target.host, target.port, request.trustFingerprint);
        this.deps.log(
          key,
          'info',
          `The certificate ${request.trustFingerprint} is trusted for this server from now on`,
        );
      }
      throwIfAborted(signal);
    } catch (error) {
      await browser.close().catch(() => undefined);
      throw error;
    }
    const pool = new SessionPool({
      open: (poolSignal) => this.openForPool(key, target, options, poolSignal),
      limit: request.limit ?? 4,
      log: options.log,
    });
    const described: ConnectedSite = {
      site: key,
      protocol: target.protocol,
      initialFolder: browser.initialFolder,
      capabilities: browser.capabilities,
    };
    this.sites.set(key, {
      described,
      target,
      options,
      pool,
      browser,
      opening: null,
      closed: new AbortController(),
      asksUser: browser.loginAskedUser === true,
    });
    this.deps.log(key, 'info', `Connected; ${browser.initialFolder} is the starting folder`);
    this.deps.onConnected?.(key);
    return described;
  }

  /**
   * A session for the site's transfer pool: a new connection, or, where
   * logging in asked the user (a one-time code), another channel on the
   * browsing session's connection, so the code is asked for once.
   */
  private async openForPool(
    key: string,
    target: FerryUrl,
    options: ConnectOptions,
    signal: AbortSignal,
  ): Promise<RemoteFileSystem> {
    const site = this.sites.get(key);
    if (site?.asksUser === true) {
      // After a drop, every pool slot waits for the one reopen of the
      // browsing session (one question), rather than each logging in.
      let browser = await untilAborted(this.browser(key, site), signal);
      if (browser.lost === true) browser = await untilAborted(this.reconnect(key, site, browser), signal);
      if (browser.openSibling) {
        try {
          return await browser.openSibling(signal);
        } catch (error) {
          throwIfAborted(signal);
          // The server allows no more channels per connection (MaxSessions), say: log in anew.
          const reason = error instanceof Error ? error.message : String(error);
          this.deps.log(key, 'info', `Opening a new connection instead: ${reason}`);
        }
      }
    }
    return openRemote(target, { ...options, signal });
  }

  /** Lists a remote folder on the site's browsing session. */
  list(key: string, path: string): Promise<FileEntry[]> {
    return this.browse(key, (session) => session.list(path));
  }

  mkdir(key: string, folder: string, name: string): Promise<void> {
    return this.browse(key, (session) => session.mkdir(joinRemote(folder, name)));
  }

  rename(key: string, folder: string, from: string, to: string): Promise<void> {
    return this.browse(key, (session) => renameWithoutReplacing(session, folder, from, to));
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

  /** Disconnects a site, canceling a connect to it that is still under way. */
  async disconnect(key: string): Promise<void> {
    const attempt = this.attempts.get(key);
    if (attempt) {
      attempt.controller.abort();
      await attempt.settled;
    }
    await this.closeSite(key);
  }

  async closeAll(): Promise<void> {
    const keys = new Set([...this.sites.keys(), ...this.attempts.keys()]);
    await Promise.all([...keys].map((key) => this.disconnect(key)));
  }

  connected(): string[] {
    return [...this.sites.keys()];
  }

  /** The connected sites as connect() described them, oldest first. */
  connectedSites(): ConnectedSite[] {
    return [...this.sites.values()].map((site) => site.described);
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
    if (!site) throw notConnected(key);
    return site;
  }

  /**
   * Forgets a site and closes its sessions, a (re)open of its browsing
   * session included: that is aborted and waited for, so once this returns
   * nothing of the site is left open.
   */
  private async closeSite(key: string): Promise<void> {
    const site = this.sites.get(key);
    if (!site) return;
    this.sites.delete(key);
    site.closed.abort();
    await Promise.all([site.browser?.close(), site.opening?.catch(() => undefined), site.pool.close()]);
    this.deps.log(key, 'info', 'Disconnected');
  }

  /** The site's browsing session: the open one, or the one being (re)opened. */
  private browser(key: string, site: Site): Promise<RemoteFileSystem> {
    if (site.browser) return Promise.resolve(site.browser);
    site.opening ??= this.openBrowser(key, site, null);
    return site.opening;
  }

  /**
   * Replaces the browsing session that failed with a fresh one. Only the
   * session that failed is closed: when another call has replaced it
   * already (or is replacing it), that call's session is the one to use.
   */
  private reconnect(key: string, site: Site, failed: RemoteFileSystem | null): Promise<RemoteFileSystem> {
    if (this.sites.get(key) !== site) return Promise.reject(notConnected(key));
    if (failed !== null && site.browser === failed) {
      site.browser = null;
      site.opening = this.openBrowser(key, site, failed);
    }
    return this.browser(key, site);
  }

  /**
   * Opens a browsing session for `site`, after closing the one it replaces
   * (first, so a server that limits connections sees no more than before).
   * A site disconnected meanwhile gets no session: the fresh one is closed.
   */
  private async openBrowser(key: string, site: Site, replacing: RemoteFileSystem | null): Promise<RemoteFileSystem> {
    try {
      // A lost session may fail to close cleanly; it is gone either way.
      await replacing?.close().catch(() => undefined);
      throwIfAborted(site.closed.signal);
      const session = await openRemote(site.target, { ...site.options, signal: site.closed.signal });
      if (this.sites.get(key) !== site) {
        await session.close().catch(() => undefined);
        throw notConnected(key);
      }
      site.browser = session;
      if (session.loginAskedUser === true) site.asksUser = true;
      return session;
    } finally {
      site.opening = null;
    }
  }

  /**
   * Runs a browsing action on the site's browsing session, reconnecting it
   * once if it was lost: a server that dropped an idle session should cost
   * the user nothing but a moment.
   */
  private async browse<T>(key: string, action: (session: RemoteFileSystem) => Promise<T>): Promise<T> {
    const site = this.get(key);
    let session: RemoteFileSystem | null = null;
    try {
      session = await this.browser(key, site);
      return await action(session);
    } catch (error) {
      if (!(error instanceof FerryError && error.code === 'CONNECTION_LOST')) throw error;
      return action(await this.reconnect(key, site, session));
    }
  }
}

function notConnected(key: string): FerryError {
  return new FerryError('CONNECTION_LOST', `Not connected to ${key}`, { retryable: false });
}
