import { ensureDataFolder } from '../core/appData.js';
import { LocalFileSystem } from '../core/local/localFileSystem.js';
import { MessageLog } from '../core/log/messageLog.js';
import { TftpServer } from '../core/protocols/tftp/server.js';
import { TransferService } from '../core/transfers/transferService.js';
import { formatSize } from '../../shared/format.js';
import { EventHub } from './eventHub.js';
import { createRouter, type Handlers, type Router } from './router.js';

/** Everything the main side runs, wired to the contract. */
export interface FerryServices {
  router: Router;
  events: EventHub;
  log: MessageLog;
  dataFolder: string;
  /** Stops everything; the transfer queue is saved so it carries on next time. */
  dispose(): Promise<void>;
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
  const transfers = await TransferService.open({
    dataFolder,
    log: (site, kind, text) => log.add(kind, text, site),
    onChanged: (jobs, totals) => {
      events.emit('transfers.changed', jobs);
      events.emit('transfers.totals', totals);
    },
    onQuestion: (question) => events.emit('transfers.question', question),
    onPrompt: (prompt) => events.emit('sessions.prompt', prompt),
  });
  // One TFTP server per app, owned here so it stops with the services.
  const tftpServer = new TftpServer({ log: (kind, text) => log.add(kind, text, 'TFTP server') });

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
    'tftpServer.start': (config) => tftpServer.start(config),
    'tftpServer.stop': () => tftpServer.stop(),
    'tftpServer.status': () => tftpServer.status(),
    'sessions.connect': (request) => transfers.connect(request),
    'sessions.disconnect': (site) => transfers.disconnect(site),
    'sessions.answerPrompt': (id, answers) => transfers.answerPrompt(id, answers),
    'sessions.prompts': () => transfers.openPrompts(),
    'sessions.list': () => transfers.connectedSites(),
    'remote.list': (site, path) => transfers.list(site, path),
    'remote.mkdir': async (site, folder, name) => {
      await transfers.mkdir(site, folder, name);
      log.add('info', `Created folder ${name} in ${folder}`, site);
    },
    'remote.rename': async (site, folder, from, to) => {
      await transfers.rename(site, folder, from, to);
      log.add('info', `Renamed ${from} to ${to} in ${folder}`, site);
    },
    'remote.delete': async (site, folder, names) => {
      await transfers.delete(site, folder, names);
      log.add('info', `Deleted ${names.length === 1 ? (names[0] ?? '') : `${names.length} items`} in ${folder}`, site);
    },
    'transfers.add': (items) => transfers.add(items),
    'transfers.list': () => transfers.jobs(),
    'transfers.pause': (id) => transfers.pause(id),
    'transfers.resume': (id) => transfers.resume(id),
    'transfers.cancel': (id) => transfers.cancel(id),
    'transfers.retry': (id) => transfers.retry(id),
    'transfers.pauseAll': () => transfers.pauseAll(),
    'transfers.resumeAll': () => transfers.resumeAll(),
    'transfers.cancelAll': () => transfers.cancelAll(),
    'transfers.retryAllFailed': () => transfers.retryAllFailed(),
    'transfers.move': (id, index) => transfers.move(id, index),
    'transfers.remove': (id) => transfers.remove(id),
    'transfers.clear': (list) => transfers.clear(list),
    'transfers.speedLimit': () => transfers.speedLimit(),
    'transfers.setSpeedLimit': async (limit) => {
      await transfers.setSpeedLimit(limit);
      const each = (bytes: number): string => (bytes === 0 ? 'none' : `${formatSize(bytes)}/s`);
      log.add('info', `Speed limit: downloads ${each(limit.download)}, uploads ${each(limit.upload)}`);
    },
    'transfers.answer': (id, answer) => transfers.answer(id, answer),
    'transfers.questions': () => transfers.openQuestions(),
  };

  const stopLogForwarding = log.onEntry((entry) => events.emit('log.entry', entry));
  const stopTftpStatus = tftpServer.onStatus((status) => events.emit('tftpServer.status', status));
  const stopTftpTransfers = tftpServer.onTransfer((transfer) => events.emit('tftpServer.transfer', transfer));
  const router = createRouter(handlers, (error) => {
    log.add('error', `Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  });

  return {
    router,
    events,
    log,
    dataFolder,
    dispose: async () => {
      stopTftpStatus();
      stopTftpTransfers();
      await Promise.all([tftpServer.stop(), transfers.close()]);
      stopLogForwarding();
    },
  };
}
