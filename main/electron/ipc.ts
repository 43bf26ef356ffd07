import { existsSync } from 'node:fs';
import { dialog, ipcMain, shell, type BrowserWindow, type OpenDialogOptions } from 'electron';
import { METHOD_NAMES } from '../api/methods.js';
import { EVENT_CHANNEL, methodChannel, SHELL_CHANNELS } from '../api/ipc-channels.js';
import { pickFileRequest, pickFolderRequest, showInFolderRequest } from '../api/shell.js';
import type { Studio } from '../studio/index.js';
import { isTrustedSender } from './security.js';

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
  const pick = async (options: OpenDialogOptions): Promise<string | null> => {
    const r = await dialog.showOpenDialog(window, options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  };
  // Requests that fail their schema are answered like a cancelled dialog: nothing opens.
  ipcMain.handle(SHELL_CHANNELS.pickFolder, async (event, raw: unknown) => {
    const o = pickFolderRequest.safeParse(raw ?? undefined);
    if (!isTrustedSender(event.senderFrame, window.webContents.mainFrame) || !o.success) return null;
    return pick({ properties: ['openDirectory', 'createDirectory'], ...o.data });
  });
  ipcMain.handle(SHELL_CHANNELS.pickFile, async (event, raw: unknown) => {
    const o = pickFileRequest.safeParse(raw ?? undefined);
    if (!isTrustedSender(event.senderFrame, window.webContents.mainFrame) || !o.success) return null;
    const { extensions, ...rest } = o.data;
    return pick({ properties: ['openFile'], ...rest, ...(extensions ? { filters: [{ name: extensions.join(', '), extensions }] } : {}) });
  });
  ipcMain.handle(SHELL_CHANNELS.showInFolder, (event, raw: unknown) => {
    const p = showInFolderRequest.safeParse(raw);
    if (!isTrustedSender(event.senderFrame, window.webContents.mainFrame) || !p.success || !existsSync(p.data)) return;
    shell.showItemInFolder(p.data);
  });
  const unsubscribe = studio.subscribe((e) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, e);
  });
  return () => {
    unsubscribe();
    for (const name of METHOD_NAMES) ipcMain.removeHandler(methodChannel(name));
    for (const channel of Object.values(SHELL_CHANNELS)) ipcMain.removeHandler(channel);
  };
}
