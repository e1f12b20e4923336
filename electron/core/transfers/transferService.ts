import { join } from 'node:path';
import type { FileEntry } from '../../../shared/entries.js';
import { FerryError } from '../../../shared/errors.js';
import type { NewTransfer, SpeedLimit, TransferJob } from '../../../shared/transfers.js';
import type { LogKind } from '../log/messageLog.js';
import type { SftpPromptRequest } from '../remote/connectOptions.js';
import { SiteRegistry, type ConnectedSite, type ConnectRequest } from '../sessions/siteRegistry.js';
import type { OverwriteAnswer, OverwriteQuestion } from './overwrite.js';
import { QuestionBoard } from './questionBoard.js';
import { QueueStore } from './queueStore.js';
import { SpeedLimitStore } from './speedLimitStore.js';
import { TransferQueue, type QueueTotals } from './transferQueue.js';

export interface TransferServiceOptions {
  dataFolder: string;
  log: (site: string | null, kind: LogKind, text: string) => void;
  /** Jobs that changed, batched, with the queue's totals after the change. */
  onChanged: (jobs: TransferJob[], totals: QueueTotals) => void;
  /** A question the user must answer through `answer`. */
  onQuestion: (question: OverwriteQuestion & { id: number }) => void;
  /** An SSH server's question the user must answer through `answerPrompt`. */
  onPrompt: (prompt: ServerPrompt & { id: number }) => void;
}

/** A keyboard-interactive round, with the site that asks. */
export type ServerPrompt = SftpPromptRequest & { site: string };

/**
 * The app's side of transfers: the connected sites, the queue saved in the
 * data folder (`queue.json`) with its speed limit (`speed-limit.json`), and
 * the "file exists" questions waiting for
 * an answer. Saved jobs of a site wait until that site is connected again,
 * then carry on, resuming their partial files.
 */
export class TransferService {
  private constructor(
    private readonly sites: SiteRegistry,
    private readonly queue: TransferQueue,
    private readonly questions: QuestionBoard<OverwriteQuestion, OverwriteAnswer>,
    private readonly prompts: QuestionBoard<ServerPrompt, string[] | null>,
    private readonly speedLimits: SpeedLimitStore,
  ) {}

  static async open(options: TransferServiceOptions): Promise<TransferService> {
    let queue: TransferQueue | null = null;
    const prompts = new QuestionBoard<ServerPrompt, string[] | null>(options.onPrompt);
    const sites = new SiteRegistry({
      dataFolder: options.dataFolder,
      log: (site, kind, text) => options.log(site, kind, text),
      onConnected: () => queue?.kick(),
      ask: (site, request) => prompts.ask({ ...request, site }),
    });
    const questions = new QuestionBoard<OverwriteQuestion, OverwriteAnswer>(options.onQuestion);
    const speedLimits = new SpeedLimitStore(join(options.dataFolder, 'speed-limit.json'));
    queue = await TransferQueue.open({
      speedLimit: await speedLimits.load(),
      sites,
      store: new QueueStore(join(options.dataFolder, 'queue.json'), (error) =>
        options.log(
          null,
          'error',
          `Could not save the transfer queue: ${error instanceof Error ? error.message : String(error)}`,
        ),
      ),
      overwrite: 'ask',
      ask: (question) => questions.ask(question),
      log: (kind, text) => options.log(null, kind, text),
      onChange: (jobs) => {
        if (queue) options.onChanged(jobs, queue.totals());
      },
    });
    return new TransferService(sites, queue, questions, prompts, speedLimits);
  }

  connect(request: ConnectRequest): Promise<ConnectedSite> {
    return this.sites.connect(request);
  }

  disconnect(site: string): Promise<void> {
    return this.sites.disconnect(site);
  }

  list(site: string, path: string): Promise<FileEntry[]> {
    return this.sites.list(site, path);
  }

  mkdir(site: string, folder: string, name: string): Promise<void> {
    return this.sites.mkdir(site, folder, name);
  }

  rename(site: string, folder: string, from: string, to: string): Promise<void> {
    return this.sites.rename(site, folder, from, to);
  }

  delete(site: string, folder: string, names: readonly string[]): Promise<void> {
    return this.sites.delete(site, folder, names);
  }

  add(items: NewTransfer[]): TransferJob[] {
    for (const item of items) {
      if (!this.sites.isAvailable(item.site)) {
        throw new FerryError('INVALID_INPUT', `Connect to ${item.site} before queueing transfers for it`);
      }
    }
    return this.queue.add(items);
  }

  jobs(): TransferJob[] {
    return this.queue.list();
  }

  pause(id: string): void {
    this.queue.pause(id);
  }

  resume(id: string): void {
    this.queue.resume(id);
  }

  cancel(id: string): void {
    this.queue.cancel(id);
  }

  retry(id: string): void {
    this.queue.retry(id);
  }

  pauseAll(): void {
    this.queue.pauseAll();
  }

  resumeAll(): void {
    this.queue.resumeAll();
  }

  cancelAll(): void {
    this.queue.cancelAll();
  }

  retryAllFailed(): void {
    this.queue.retryAllFailed();
  }

  /** Moves a waiting job to position `index` of the queue (0 runs next). */
  move(id: string, index: number): void {
    this.queue.move(id, index);
  }

  /** Takes a job off the failed list. */
  remove(id: string): void {
    this.queue.removeFailed(id);
  }

  /** Empties the failed or the successful list. */
  clear(list: 'failed' | 'succeeded'): void {
    if (list === 'failed') this.queue.clearFailed();
    else this.queue.clearSucceeded();
  }

  speedLimit(): SpeedLimit {
    return this.queue.speedLimit();
  }

  /** Applies a speed limit to every transfer at once, running ones included, and keeps it for next time. */
  async setSpeedLimit(limit: SpeedLimit): Promise<void> {
    this.queue.setSpeedLimit(limit);
    await this.speedLimits.save(limit);
  }

  answer(id: number, answer: OverwriteAnswer): void {
    this.questions.answer(id, answer);
  }

  /** The connected sites, for a window that opens (or reloads) while they are. */
  connectedSites(): ConnectedSite[] {
    return this.sites.connectedSites();
  }

  /** "File exists" questions still waiting for an answer. */
  openQuestions(): (OverwriteQuestion & { id: number })[] {
    return this.questions.pending();
  }

  /** SSH server questions still waiting for an answer. */
  openPrompts(): (ServerPrompt & { id: number })[] {
    return this.prompts.pending();
  }

  answerPrompt(id: number, answers: string[] | null): void {
    this.prompts.answer(id, answers);
  }

  /** Saves the queue (running jobs resume next time) and closes every session. */
  async close(): Promise<void> {
    // A login waiting for an answer gives up, so its job can stop.
    this.prompts.closeAll(null);
    // Jobs waiting for an overwrite answer stop with the rest and ask again
    // next time; then the questions left open get a harmless answer.
    await this.queue.close();
    this.questions.closeAll({ action: 'skip', applyToAll: false });
    await this.sites.closeAll();
  }
}
