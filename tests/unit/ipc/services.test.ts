import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Envelope, EventChannel, LogEntry } from '../../../shared/contract.js';
import type { FolderListing } from '../../../shared/entries.js';
import { createFerryServices, type FerryServices } from '../../../electron/ipc/services.js';
import { EventHub } from '../../../electron/ipc/eventHub.js';

function valueOf(envelope: Envelope): unknown {
  if (!envelope.ok) throw new Error(`expected success, got ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value;
}

describe('createFerryServices', () => {
  let scratch: string;
  let work: string;
  let services: FerryServices;
  let pushed: { channel: EventChannel; payload: unknown }[];
  let disconnect: () => void;

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ferry-services-'));
    work = join(scratch, 'work');
    await mkdir(work);
    services = await createFerryServices({ dataFolder: join(scratch, 'data', 'Ferry') });
    pushed = [];
    disconnect = services.events.connect((channel, payload) => pushed.push({ channel, payload }));
  });

  afterEach(async () => {
    disconnect();
    await services.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  // log.entry is the only event channel today; each test checks the channel too.
  const logTexts = (): string[] => pushed.map((e) => (e.payload as LogEntry).text);

  it('creates the data folder, owner-only', async () => {
    expect(services.dataFolder).toBe(join(scratch, 'data', 'Ferry'));
    const info = await stat(services.dataFolder);
    expect(info.isDirectory()).toBe(true);
    expect(info.mode & 0o777).toBe(0o700);
  });

  it('answers local.home with the home folder', async () => {
    expect(valueOf(await services.router.invoke('local.home', []))).toBe(homedir());
  });

  it('lists a folder through the router', async () => {
    await writeFile(join(work, 'a.txt'), 'abc');
    const listing = valueOf(await services.router.invoke('local.list', [work])) as FolderListing;
    expect(listing.path).toBe(work);
    expect(listing.entries.map((e) => [e.name, e.type, e.size])).toEqual([['a.txt', 'file', 3]]);
  });

  it('mkdir, rename and delete change the disk and log each step', async () => {
    valueOf(await services.router.invoke('local.mkdir', [work, 'photos']));
    expect(await readdir(work)).toEqual(['photos']);

    valueOf(await services.router.invoke('local.rename', [work, 'photos', 'pictures']));
    expect(await readdir(work)).toEqual(['pictures']);

    await writeFile(join(work, 'pictures', 'cat.jpg'), 'meow');
    await writeFile(join(work, 'one'), '1');
    await writeFile(join(work, 'two'), '2');
    valueOf(await services.router.invoke('local.delete', [work, ['pictures']]));
    valueOf(await services.router.invoke('local.delete', [work, ['one', 'two']]));
    expect(await readdir(work)).toEqual([]);

    expect(logTexts()).toEqual([
      `Created folder photos in ${work}`,
      `Renamed photos to pictures in ${work}`,
      `Deleted pictures in ${work}`,
      `Deleted 2 items in ${work}`,
    ]);
    for (const event of pushed) {
      expect(event.channel).toBe('log.entry');
      expect(event.payload).toMatchObject({ session: null, kind: 'info' });
    }

    const history = valueOf(await services.router.invoke('log.history', [])) as LogEntry[];
    expect(history).toEqual(pushed.map((e) => e.payload));
    expect(history.map((e) => e.id)).toEqual([1, 2, 3, 4]);
  });

  it('logs nothing when an operation fails, and reports its code', async () => {
    await mkdir(join(work, 'taken'));
    const envelope = await services.router.invoke('local.mkdir', [work, 'taken']);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    const missing = await services.router.invoke('local.delete', [work, ['ghost']]);
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(pushed).toEqual([]);
  });

  it('validates before touching the disk', async () => {
    const envelope = await services.router.invoke('local.mkdir', [work, '../escaped']);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await readdir(scratch)).not.toContain('escaped');
    expect(await readdir(work)).toEqual([]);
    expect(pushed).toEqual([]);
  });

  it('pushes log lines added by the core, and stops after dispose', async () => {
    services.log.add('reply', '220 Welcome', 'session-1');
    expect(pushed).toHaveLength(1);
    expect(pushed[0]?.channel).toBe('log.entry');
    expect(pushed[0]?.payload).toMatchObject({ kind: 'reply', session: 'session-1', text: '220 Welcome' });
    await services.dispose();
    services.log.add('info', 'after dispose');
    expect(pushed).toHaveLength(1);
  });
});

describe('EventHub', () => {
  it('fans an event out to every sink until it disconnects', () => {
    const hub = new EventHub();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const entry: LogEntry = { id: 1, time: 0, session: null, kind: 'info', text: 'x' };
    const stopA = hub.connect((_channel, payload) => a.push(payload));
    hub.connect((channel, payload) => b.push([channel, payload]));
    hub.emit('log.entry', entry);
    stopA();
    hub.emit('log.entry', { ...entry, id: 2 });
    expect(a).toEqual([entry]);
    expect(b).toEqual([
      ['log.entry', entry],
      ['log.entry', { ...entry, id: 2 }],
    ]);
  });
});
