import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type Envelope,
  type EventChannel,
  type EventPayload,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeResult,
} from './contract.js';

/**
 * The shape of `window.ferry`, derived from the contract so a channel added
 * there appears here with its types: `ferry.local.list(path)` for the invoke
 * `local.list`, `ferry.log.onEntry(listener)` for the event `log.entry`.
 * Invokes resolve to an {@link Envelope}; see `renderer/src/ipc/ferry.ts`
 * for the client that unwraps it.
 */
type GroupOf<C extends string> = C extends `${infer G}.${string}` ? G : never;
type Groups = GroupOf<InvokeChannel> | GroupOf<EventChannel>;

type InvokeMethods<G extends string, Wrap extends 'envelope' | 'value'> = {
  [C in InvokeChannel as C extends `${G}.${infer M}` ? M : never]: (
    ...args: InvokeArgs<C>
  ) => Promise<Wrap extends 'envelope' ? Envelope<InvokeResult<C>> : InvokeResult<C>>;
};

type EventMethods<G extends string> = {
  [C in EventChannel as C extends `${G}.${infer E}` ? `on${Capitalize<E>}` : never]: (
    listener: (payload: EventPayload<C>) => void,
  ) => () => void;
};

/** `window.ferry` as the preload (or browser mode) exposes it. */
export type FerryBridge = { [G in Groups]: InvokeMethods<G, 'envelope'> & EventMethods<G> };
/** The renderer's view: same methods, resolving to values and rejecting with FerryError. */
export type FerryClient = { [G in Groups]: InvokeMethods<G, 'value'> & EventMethods<G> };

/** How a bridge reaches the main side: Electron IPC, or browser mode's WebSocket. */
export interface BridgeTransport {
  invoke(channel: InvokeChannel, args: unknown[]): Promise<Envelope>;
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void;
}

function split(channel: string): [string, string] {
  const dot = channel.indexOf('.');
  return [channel.slice(0, dot), channel.slice(dot + 1)];
}

/** The method name an event channel gets: `log.entry` → `onEntry`. */
export function eventMethodName(channel: string): string {
  const [, name] = split(channel);
  return `on${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

/**
 * Builds `window.ferry` from the contract over a transport. Used by the
 * Electron preload and by browser mode, so both expose exactly the contract
 * and nothing more: no generic invoke, no raw channel access.
 */
export function buildBridge(transport: BridgeTransport): FerryBridge {
  const bridge: Record<string, Record<string, unknown>> = {};
  const group = (name: string): Record<string, unknown> => (bridge[name] ??= {});
  for (const channel of INVOKE_CHANNELS) {
    const [g, method] = split(channel);
    group(g)[method] = (...args: unknown[]) => transport.invoke(channel, args);
  }
  for (const channel of EVENT_CHANNELS) {
    const [g] = split(channel);
    group(g)[eventMethodName(channel)] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${channel}: listener must be a function`);
      return transport.subscribe(channel, listener);
    };
  }
  return bridge as unknown as FerryBridge;
}
