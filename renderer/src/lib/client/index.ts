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

export function createStudioClient(): StudioClient {
  if (typeof window !== 'undefined' && window.studio) return new IpcStudioClient(window.studio);
  return new WsStudioClient(studioSocketUrl(window.location));
}
