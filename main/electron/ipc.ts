import { dialog, ipcMain, type BrowserWindow } from 'electron';
import { METHOD_NAMES } from '../api/methods.js';
import type { Studio } from '../studio/index.js';
import { isTrustedSender } from './security.js';

export const EVENT_CHANNEL = 'studio:event';
export const PICK_FOLDER_CHANNEL = 'studio:pick-folder';
export const methodChannel = (name: string): string => `studio:${name}`;

/**
 * One IPC channel per StudioApi method (no generic invoke). The sender is checked on every call;
 * the studio validates every payload against the method's schema.
 */
export function wireIpc(studio: Studio, window: BrowserWindow): () => void {
  const notTrusted = { ok: false, error: { code: 'forbidden', message: 'This request did not come from the Tandem window.' } };
  for (const name of METHOD_NAMES) {
    ipcMain.handle(methodChannel(name), (event, params: unknown) => {
      if (!isTrustedSender(event.senderFrame, window.webContents.mainFrame)) return notTrusted;
      return studio.call(name, params);
    });
  }
  ipcMain.handle(PICK_FOLDER_CHANNEL, async (event) => {
    if (!isTrustedSender(event.senderFrame, window.webContents.mainFrame)) return null;
    const r = await dialog.showOpenDialog(window, { properties: ['openDirectory'] });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  });
  const unsubscribe = studio.subscribe((e) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, e);
  });
  return () => {
    unsubscribe();
    for (const name of METHOD_NAMES) ipcMain.removeHandler(methodChannel(name));
    ipcMain.removeHandler(PICK_FOLDER_CHANNEL);
  };
}
