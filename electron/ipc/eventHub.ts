import type { EventChannel, EventPayload } from '../../shared/contract.js';

export type EventSink = <C extends EventChannel>(channel: C, payload: EventPayload<C>) => void;

/**
 * Fans main-side events out to every connected window: the Electron window,
 * or each browser-mode socket. Services never know who listens.
 */
export class EventHub {
  private readonly sinks = new Set<EventSink>();

  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
    for (const sink of this.sinks) sink(channel, payload);
  }

  /** Adds a sink; returns the function that removes it. */
  connect(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }
}
