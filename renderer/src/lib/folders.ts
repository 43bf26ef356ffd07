// Server-side folder listing for the folder browser under `tandem serve` ('fs.listFolders'). An
// older studio answers 'unknown-method'; the renderer then falls back to a text field.
import type { FolderListing } from '../../../main/api/entities.js';
import type { StudioClient } from './client/types.js';

export type { FolderListing };

let supported: Promise<boolean> | null = null;

export function listFolders(client: StudioClient, path?: string): Promise<{ ok: true; result: FolderListing } | { ok: false; message: string; unsupported: boolean }> {
  return client.callUnknown('fs.listFolders', path ? { path } : {}).then((r) => {
    if (r.ok) return { ok: true as const, result: r.result as FolderListing };
    return { ok: false as const, message: r.error.message, unsupported: r.error.code === 'unknown-method' };
  });
}

export function folderBrowserSupported(client: StudioClient): Promise<boolean> {
  if (client.transport === 'ipc' && client.shell?.pickFolder) return Promise.resolve(true);
  supported ??= listFolders(client).then((r) => r.ok || !r.unsupported);
  return supported;
}
