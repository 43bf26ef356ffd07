// One client interface (main/api/client.ts), two transports: IPC over window.studio (Electron) and
// a WebSocket (`tandem serve`). Views only ever see StudioClient.
import type { StudioBridge } from '$api/client.js';

export type { ConnectionState, ShellBridge, StudioBridge, StudioClient } from '$api/client.js';

declare global {
  interface Window {
    studio?: StudioBridge;
  }
}
