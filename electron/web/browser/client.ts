import { buildBridge } from '../../../shared/api.js';
import type { Envelope, EventChannel } from '../../../shared/contract.js';
import { FerryError } from '../../../shared/errors.js';

/**
 * Browser mode's `window.ferry`: the same bridge the Electron preload
 * builds, carried over a WebSocket to the browser-mode server. Calls made
 * before the socket opens wait for it; a lost socket fails pending calls
 * with CONNECTION_LOST and reconnects.
 */
type Pending = { resolve: (envelope: Envelope) => void };

/**
 * The token comes in the URL Ferry printed. It is kept for this tab only
 * (a reload finds it there) and taken out of the address bar, so it does
 * not linger in history, history sync or a screen share.
 */
function takeToken(): string {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl === null) return sessionStorage.getItem('ferry-token') ?? '';
  sessionStorage.setItem('ferry-token', fromUrl);
  history.replaceState(null, '', location.pathname);
  return fromUrl;
}

const token = takeToken();
const socketUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;

const pending = new Map<number, Pending>();
const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
const outbox: string[] = [];
let nextId = 1;
let socket: WebSocket;
let retryDelay = 250;

function lostEnvelope(): Envelope {
  return { ok: false, error: new FerryError('CONNECTION_LOST', 'Lost the connection to Ferry').toShape() };
}

function connect(): void {
  socket = new WebSocket(socketUrl);
  socket.addEventListener('open', () => {
    retryDelay = 250;
    for (const message of outbox.splice(0)) socket.send(message);
  });
  socket.addEventListener('message', (event: MessageEvent<string>) => {
    const message = JSON.parse(event.data) as
      { type: 'result'; id: number; envelope: Envelope } | { type: 'event'; channel: EventChannel; payload: unknown };
    if (message.type === 'result') {
      pending.get(message.id)?.resolve(message.envelope);
      pending.delete(message.id);
    } else {
      for (const listener of listeners.get(message.channel) ?? []) listener(message.payload);
    }
  });
  socket.addEventListener('close', () => {
    // Calls already sent or still queued cannot be answered by a new socket.
    outbox.length = 0;
    for (const call of pending.values()) call.resolve(lostEnvelope());
    pending.clear();
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5000);
  });
}

connect();

Object.defineProperty(window, 'ferry', {
  configurable: false,
  writable: false,
  value: Object.freeze(
    buildBridge({
      invoke: (channel, args) =>
        new Promise<Envelope>((resolve) => {
          const id = nextId++;
          pending.set(id, { resolve });
          const message = JSON.stringify({ id, channel, args });
          if (socket.readyState === WebSocket.OPEN) socket.send(message);
          else outbox.push(message);
        }),
      subscribe: (channel, listener) => {
        let set = listeners.get(channel);
        if (!set) listeners.set(channel, (set = new Set()));
        set.add(listener);
        return () => {
          set.delete(listener);
        };
      },
    }),
  ),
});
