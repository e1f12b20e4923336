import type { FerryBridge, FerryClient } from '../../../shared/api';
import { eventMethodName } from '../../../shared/api';
import { EVENT_CHANNELS, type Envelope } from '../../../shared/contract';
import { FerryError } from '../../../shared/errors';

const EVENT_METHODS = new Set(EVENT_CHANNELS.map(eventMethodName));

/**
 * The renderer's typed client over `window.ferry`: invokes resolve to their
 * value and reject with a {@link FerryError} whose `code` can be switched on;
 * event subscriptions pass through unchanged.
 */
function createClient(bridge: FerryBridge): FerryClient {
  const client: Record<string, Record<string, unknown>> = {};
  for (const [group, methods] of Object.entries(bridge as unknown as Record<string, Record<string, unknown>>)) {
    const wrapped: Record<string, unknown> = {};
    for (const [name, method] of Object.entries(methods)) {
      if (typeof method !== 'function') continue;
      const call = method as (...args: unknown[]) => Promise<Envelope>;
      wrapped[name] = EVENT_METHODS.has(name)
        ? call
        : async (...args: unknown[]) => {
            const envelope = await call(...args);
            if (envelope.ok) return envelope.value;
            throw FerryError.fromShape(envelope.error);
          };
    }
    client[group] = wrapped;
  }
  return client as unknown as FerryClient;
}

export const ferry: FerryClient = createClient(window.ferry);

/** The message to show a person for any error a call may reject with. */
export function errorMessage(error: unknown): string {
  if (error instanceof FerryError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
