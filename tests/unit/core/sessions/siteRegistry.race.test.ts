import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectOptions } from '../../../../electron/core/remote/connectOptions.js';
import type { RemoteFileSystem } from '../../../../electron/core/remote/remoteFileSystem.js';
import { SiteRegistry } from '../../../../electron/core/sessions/siteRegistry.js';
import { FerryError } from '../../../../shared/errors.js';

// The races of a site's sessions: listings that reconnect a dropped
// browsing session at the same time, a disconnect or a second connect
// while sessions are being opened. Sessions are fakes that count who
// opened and closed them, so a leak shows as one never closed.

/** One session the fake openRemote handed out. */
interface FakeSession {
  id: number;
  password: string | undefined;
  closed: boolean;
  /** The server dropped it: every listing fails with CONNECTION_LOST. */
  dropped: boolean;
  session: RemoteFileSystem;
}

const fake = vi.hoisted(() => ({
  sessions: [] as FakeSession[],
  /** How long an open takes, in ms. */
  openDelay: 0,
}));

vi.mock('../../../../electron/core/remote/openRemote.js', () => ({
  // Like a real engine: an open that is aborted rejects with CANCELED, but
  // only once the attempt under way gives up, and what it opened is closed.
  openRemote: async (_target: unknown, options: ConnectOptions = {}): Promise<RemoteFileSystem> => {
    await new Promise((resolve) => setTimeout(resolve, fake.openDelay));
    if (options.signal?.aborted) throw new FerryError('CANCELED', 'The operation was canceled');
    const made: FakeSession = {
      id: fake.sessions.length,
      password: options.password,
      closed: false,
      dropped: false,
      session: undefined as unknown as RemoteFileSystem,
    };
    made.session = {
      protocol: 'sftp',
      capabilities: {} as RemoteFileSystem['capabilities'],
      initialFolder: '/',
      // A listing of a folder named /slow… takes longer than the rest.
      list: async (path: string) => {
        await new Promise((resolve) => setTimeout(resolve, path.startsWith('/slow') ? 60 : 5));
        if (made.dropped || made.closed) throw new FerryError('CONNECTION_LOST', `Session ${made.id} is gone`);
        return [];
      },
      close: () => {
        made.closed = true;
        return Promise.resolve();
      },
    } as unknown as RemoteFileSystem;
    fake.sessions.push(made);
    return made.session;
  },
}));

/** The session connect() opened for browsing. */
function firstSession(): FakeSession {
  const made = fake.sessions[0];
  if (!made) throw new Error('No session was opened');
  return made;
}

const stillOpen = (): number[] => fake.sessions.filter((made) => !made.closed).map((made) => made.id);
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const url = 'sftp://deploy@127.0.0.1:22';

let folder: string;
let sites: SiteRegistry;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-site-races-'));
  fake.sessions.length = 0;
  fake.openDelay = 0;
  sites = new SiteRegistry({ dataFolder: folder, log: () => undefined });
});

afterEach(async () => {
  await sites.closeAll();
  await rm(folder, { recursive: true, force: true });
});

describe('SiteRegistry under concurrent calls', () => {
  it('reconnects a dropped browsing session once for two listings that both found it gone', async () => {
    const { site } = await sites.connect({ url, password: 'x' });
    firstSession().dropped = true;
    fake.openDelay = 20;
    const results = await Promise.allSettled([sites.list(site, '/a'), sites.list(site, '/b')]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
    // One fresh session, and it is the one still in use.
    expect(fake.sessions).toHaveLength(2);
    expect(stillOpen()).toEqual([1]);
    await sites.closeAll();
    expect(stillOpen()).toEqual([]);
  });

  it('does not close the fresh session when a listing on the old one fails after the reconnect', async () => {
    const { site } = await sites.connect({ url, password: 'x' });
    firstSession().dropped = true;
    // Both listings start on the dropped session. The quick one finds it gone
    // and reconnects; the slow one finds it gone only after that, and must
    // neither close the fresh session nor open yet another.
    await Promise.all([sites.list(site, '/slow'), sites.list(site, '/a')]);
    expect(fake.sessions).toHaveLength(2);
    expect(stillOpen()).toEqual([1]);
  });

  it('leaves no session open when the site is disconnected while its browsing session reconnects', async () => {
    const { site } = await sites.connect({ url, password: 'x' });
    firstSession().dropped = true;
    fake.openDelay = 50;
    const listing = sites.list(site, '/a').catch((error: unknown) => error);
    await pause(20); // the reconnect is under way
    await sites.disconnect(site);
    // Once disconnect() is done, nothing of the site is left open.
    expect(stillOpen()).toEqual([]);
    expect(await listing).toMatchObject({ code: expect.stringMatching(/^(CANCELED|CONNECTION_LOST)$/) as unknown });
    await pause(80);
    expect(stillOpen()).toEqual([]);
    expect(sites.connected()).toEqual([]);
  });

  it('lets the newest of two connects to one site win, and leaves nothing of the first open', async () => {
    fake.openDelay = 20;
    const results = await Promise.allSettled([
      sites.connect({ url, password: 'first' }),
      sites.connect({ url, password: 'second' }),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: 'CANCELED' } });
    expect(results[1]).toMatchObject({ status: 'fulfilled' });
    expect(sites.connected()).toEqual(['sftp://deploy@127.0.0.1:22']);
    // Only the second request's session is open, and listings use it.
    expect(fake.sessions.filter((made) => !made.closed).map((made) => made.password)).toEqual(['second']);
    await sites.list('sftp://deploy@127.0.0.1:22', '/');
    await sites.closeAll();
    expect(stillOpen()).toEqual([]);
  });

  it('cancels a connect still under way when the site is disconnected', async () => {
    fake.openDelay = 50;
    const connecting = sites.connect({ url, password: 'x' }).catch((error: unknown) => error);
    await pause(10);
    await sites.disconnect('sftp://deploy@127.0.0.1:22');
    expect(await connecting).toMatchObject({ code: 'CANCELED' });
    expect(sites.connected()).toEqual([]);
    expect(stillOpen()).toEqual([]);
  });
});
