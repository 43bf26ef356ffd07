// The renderer's only door to the studio: window.studio, one function per StudioApi operation,
// each bound to its own IPC channel. No generic send/invoke is exposed.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { StudioEvent } from '../main/api/events.js';
import { EVENT_CHANNEL, METHOD_NAME_LIST, methodChannel, SHELL_CHANNELS } from '../main/api/ipc-channels.js';

const api: Record<string, unknown> = {};
for (const name of METHOD_NAME_LIST) {
  api[name] = (params: unknown) => ipcRenderer.invoke(methodChannel(name), params);
}
api.onEvent = (listener: (e: StudioEvent) => void): (() => void) => {
  const handler = (_event: IpcRendererEvent, e: StudioEvent) => listener(e);
  ipcRenderer.on(EVENT_CHANNEL, handler);
  return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
};
// Native pickers and "show in folder", as the renderer's ShellBridge expects them.
api.shell = Object.freeze({
  pickFolder: (options?: unknown): Promise<string | null> => ipcRenderer.invoke(SHELL_CHANNELS.pickFolder, options),
  pickFile: (options?: unknown): Promise<string | null> => ipcRenderer.invoke(SHELL_CHANNELS.pickFile, options),
  showInFolder: (path: string): Promise<void> => ipcRenderer.invoke(SHELL_CHANNELS.showInFolder, path),
});

contextBridge.exposeInMainWorld('studio', Object.freeze(api));
