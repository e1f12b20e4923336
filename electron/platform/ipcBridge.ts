import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, type Envelope } from '../../shared/contract.js';
import { FerryError } from '../../shared/errors.js';
import { isTrustedSender } from '../ipc/senderCheck.js';
import type { FerryServices } from '../ipc/services.js';

/**
 * Connects Electron's IPC to the router: one `ipcMain.handle` per contract
 * channel, each refusing any sender but the app's own top frame, and every
 * service event forwarded to the window. Returns the function that undoes it.
 */
export function connectIpc(services: FerryServices, window: BrowserWindow, appUrl: string): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<Envelope> | Envelope => {
      const frame = event.senderFrame;
      const trusted = isTrustedSender(
        { frameUrl: frame?.url ?? null, isTopFrame: frame !== null && frame === event.sender.mainFrame },
        appUrl,
      );
      if (!trusted || event.sender !== window.webContents) {
        return { ok: false, error: new FerryError('PERMISSION_DENIED', 'IPC from an untrusted frame').toShape() };
      }
      return services.router.invoke(channel, args);
    });
  }
  const disconnect = services.events.connect((channel, payload) => {
    if (!window.isDestroyed()) window.webContents.send(channel, payload);
  });
  return () => {
    disconnect();
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}
