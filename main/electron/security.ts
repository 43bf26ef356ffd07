import { app, session, shell, type WebContents } from 'electron';
import { APP_HOST } from './protocol-handler.js';

export const APP_ORIGIN = `tandem://${APP_HOST}`;

/**
 * Every permission request and check denied. The content security policy is not set here:
 * session.webRequest never sees tandem:// responses, so the protocol handler sends it itself
 * (main/electron/protocol-handler.ts) and index.html repeats it in a <meta>.
 */
export function hardenSession(): void {
  const s = session.defaultSession;
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
}

/** No navigation away from the app and no new windows; http(s) links open in the user's browser. */
export function lockNavigation(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/** Every web contents the app ever creates gets the same locks. */
export function lockAllContents(): void {
  app.on('web-contents-created', (_event, contents) => lockNavigation(contents));
}

/** IPC is answered only for the app's own top frame. */
export function isTrustedSender(frame: { url: string } | null, mainFrame: unknown): boolean {
  return frame !== null && frame === mainFrame && frame.url.startsWith(`${APP_ORIGIN}/`);
}
