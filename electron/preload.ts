import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildBridge } from '../shared/api.js';
import type { Envelope } from '../shared/contract.js';

// The renderer gets exactly the contract as `window.ferry` and nothing else:
// no ipcRenderer, no generic invoke, no way to name a channel of its own.
contextBridge.exposeInMainWorld(
  'ferry',
  buildBridge({
    invoke: (channel, args) => ipcRenderer.invoke(channel, ...args) as Promise<Envelope>,
    subscribe: (channel, listener) => {
      const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
      ipcRenderer.on(channel, handler);
      return () => {
        ipcRenderer.removeListener(channel, handler);
      };
    },
  }),
);
