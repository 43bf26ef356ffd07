// Picks the transport: IPC when the Electron preload exposed window.studio, else the WebSocket of
// the server that served this page (`tandem serve`).
import { IpcStudioClient } from './ipc-client.js';
import type { StudioClient } from './types.js';
import { WsStudioClient } from './ws-client.js';

export type { ConnectionState, ShellBridge, StudioBridge, StudioClient } from './types.js';
export { IpcStudioClient } from './ipc-client.js';
export { WsStudioClient } from './ws-client.js';

/** ws(s)://<host>/api, carrying ?token= from the page URL when the server was started with one. */
export function studioSocketUrl(loc: Pick<Location, 'protocol' | 'host' | 'search' | 'hash'>): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const params = new URLSearchParams(loc.search);
  const token = params.get('token');
  return `${proto}//${loc.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

/**
 * The page's address without its ?token= (null when there is none). The server set the token's
 * cookie when it answered that first load, so the address bar, history, bookmarks and screen
 * shares need not show it.
 */
export function addressWithoutToken(href: string): string | null {
  const url = new URL(href);
  if (!url.searchParams.has('token')) return null;
  url.searchParams.delete('token');
  return url.href;
}

export function createStudioClient(): StudioClient {
  if (typeof window !== 'undefined' && window.studio) return new IpcStudioClient(window.studio);
  // The socket keeps the token in its URL, for reconnecting; the address bar loses it.
  const client = new WsStudioClient(studioSocketUrl(window.location));
  const clean = addressWithoutToken(window.location.href);
  if (clean !== null) window.history.replaceState(window.history.state, '', clean);
  return client;
}
