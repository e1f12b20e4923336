/** What the main side knows about who sent an invoke. */
export interface SenderInfo {
  /** The URL of the frame that sent the message, or null if it is gone. */
  frameUrl: string | null;
  /** True when the frame is its window's top frame (not an iframe). */
  isTopFrame: boolean;
}

/**
 * Accepts an invoke only from the app's own top frame at the app's own
 * origin: an iframe, a page navigated elsewhere, or a destroyed frame is
 * refused before any argument is even read.
 */
export function isTrustedSender(sender: SenderInfo, appUrl: string): boolean {
  if (!sender.isTopFrame || sender.frameUrl === null) return false;
  let frame: URL;
  let app: URL;
  try {
    frame = new URL(sender.frameUrl);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (frame.protocol !== app.protocol) return false;
  // file: URLs have an opaque origin ("null"), so compare the path of the
  // packaged index.html instead, and the host: file://server/... is a
  // network share on Windows, not the app's own file.
  if (app.protocol === 'file:') return frame.host === app.host && frame.pathname === app.pathname;
  return frame.origin === app.origin;
}
