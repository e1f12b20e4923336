import { ensureDataFolder } from '../core/appData.js';
import { LocalFileSystem } from '../core/local/localFileSystem.js';
import { MessageLog } from '../core/log/messageLog.js';
import { EventHub } from './eventHub.js';
import { createRouter, type Handlers, type Router } from './router.js';

/** Everything the main side runs, wired to the contract. */
export interface FerryServices {
  router: Router;
  events: EventHub;
  log: MessageLog;
  dataFolder: string;
  dispose(): void;
}

/**
 * Builds the main-side services once and binds them to the contract's
 * channels. Electron's main process and browser mode both call this, so the
 * two run exactly the same code behind the same router.
 */
export async function createFerryServices(options: { dataFolder: string }): Promise<FerryServices> {
  const dataFolder = await ensureDataFolder(options.dataFolder);
  const events = new EventHub();
  const log = new MessageLog();
  const local = new LocalFileSystem();

  const handlers: Handlers = {
    'local.home': () => local.home(),
    'local.list': (path) => local.list(path),
    'local.mkdir': async (folder, name) => {
      await local.mkdir(folder, name);
      log.add('info', `Created folder ${name} in ${folder}`);
    },
    'local.rename': async (folder, from, to) => {
      await local.rename(folder, from, to);
      log.add('info', `Renamed ${from} to ${to} in ${folder}`);
    },
    'local.delete': async (folder, names) => {
      await local.delete(folder, names);
      log.add('info', `Deleted ${names.length === 1 ? (names[0] ?? '') : `${names.length} items`} in ${folder}`);
    },
    'log.history': () => log.history(),
  };

  const stopLogForwarding = log.onEntry((entry) => events.emit('log.entry', entry));
  const router = createRouter(handlers, (error) => {
    log.add('error', `Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  });

  return {
    router,
    events,
    log,
    dataFolder,
    dispose: () => {
      stopLogForwarding();
    },
  };
}
