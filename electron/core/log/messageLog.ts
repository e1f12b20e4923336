import type { LogEntry } from '../../../shared/contract.js';

export type LogKind = LogEntry['kind'];

/** Lines kept in memory; older ones drop off so a long session cannot grow without bound. */
const DEFAULT_CAPACITY = 10_000;

/**
 * The message log: every command and reply per session, plus the app's own
 * notices. Bounded in memory; listeners are told of each new line so the
 * IPC layer can push it to the window.
 */
export class MessageLog {
  private readonly entries: LogEntry[] = [];
  private readonly listeners = new Set<(entry: LogEntry) => void>();
  private nextId = 1;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  add(kind: LogKind, text: string, session: string | null = null): LogEntry {
    const entry: LogEntry = { id: this.nextId++, time: Date.now(), session, kind, text };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    for (const listener of this.listeners) listener(entry);
    return entry;
  }

  history(): LogEntry[] {
    return [...this.entries];
  }

  /** Calls `listener` for each new line; returns the function that stops it. */
  onEntry(listener: (entry: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Where an engine writes its commands, replies and notices; a MessageLog bound to one session. */
export type LogSink = (kind: LogKind, text: string) => void;

/** A sink that drops everything, for callers that keep no log. */
export const silentLog: LogSink = () => {};
