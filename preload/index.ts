// The renderer's only door to the studio: window.studio, one function per StudioApi operation,
// each bound to its own IPC channel. No generic send/invoke is exposed.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { StudioEvent } from '../main/api/events.js';
import { METHOD_NAMES } from '../main/api/methods.js';

const api: Record<string, unknown> = {};
for (const name of METHOD_NAMES) {
  api[name] = (params: unknown) => ipcRenderer.invoke(`studio:${name}`, params);
}
api.onEvent = (listener: (e: StudioEvent) => void): (() => void) => {
  const handler = (_event: IpcRendererEvent, e: StudioEvent) => listener(e);
  ipcRenderer.on('studio:event', handler);
  return () => ipcRenderer.removeListener('studio:event', handler);
};
api.pickFolder = (): Promise<string | null> => ipcRenderer.invoke('studio:pick-folder');

contextBridge.exposeInMainWorld('studio', Object.freeze(api));
