import { shell, type WebContents } from 'electron';

/**
 * Keeps the window on the app: no navigation away, no new windows (http(s)
 * links open in the system browser instead), no permission grants.
 */
export function lockDownWebContents(contents: WebContents, appUrl: string): void {
  const appOrigin = new URL(appUrl).origin;
  contents.on('will-navigate', (event, url) => {
    if (new URL(url).origin !== appOrigin) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}
