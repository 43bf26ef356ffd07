import { app, session, shell, type WebContents } from 'electron';

/** Scripts, styles and images only from the app itself and project files; no remote code. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // Svelte writes inline style attributes for layout
  "img-src 'self' tandem: data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const APP_ORIGIN = 'tandem://app';

/** Session-wide rules: CSP on every response, every permission request denied. */
export function hardenSession(): void {
  const s = session.defaultSession;
  s.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
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
