import { app, BrowserWindow } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createFerryServices } from './ipc/services.js';
import { connectIpc } from './platform/ipcBridge.js';
import { lockDownWebContents } from './platform/windowSecurity.js';

const here = dirname(fileURLToPath(import.meta.url));

async function openMainWindow(): Promise<void> {
  const services = await createFerryServices({ dataFolder: process.env.FERRY_HOME ?? app.getPath('userData') });
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 500,
    title: 'Ferry',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  // electron-vite sets ELECTRON_RENDERER_URL for `npm run dev` only.
  const appUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(here, '../renderer/index.html')).href;
  lockDownWebContents(window.webContents, appUrl);
  const disconnect = connectIpc(services, window, appUrl);
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    disconnect();
    void services.dispose();
  });
  await window.loadURL(appUrl);
}

app.on('window-all-closed', () => app.quit());
app
  .whenReady()
  .then(openMainWindow)
  .catch((error: unknown) => {
    console.error('Ferry failed to start:', error);
    app.exit(1);
  });
