import { shell, type WebContents } from 'electron';

/**
 * Keeps the window on the app: no navigation away, no new windows (http(s)
 * links open in the system browser instead), no permission grants.
 */
export function lockDownWebContents(contents: WebContents, appUrl: string): void {
  const app = new URL(appUrl);
  // Every file: URL shares the opaque origin "null", so for the packaged app
  // only the app's own page counts as staying on the app.
  const isApp = (url: string): boolean => {
    const target = new URL(url);
    return app.protocol === 'file:'
      ? target.protocol === 'file:' && target.host === app.host && target.pathname === app.pathname
      : target.origin === app.origin;
  };
  contents.on('will-navigate', (event, url) => {
    if (!isApp(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // Both handlers: the request handler alone leaves permission checks (and devices) at Electron's defaults.
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
  contents.session.setDevicePermissionHandler(() => false);
}
