// Server-side folder listing for the folder browser under `tandem serve` ('fs.listFolders'). An
// older studio answers 'unknown-method'; the renderer then falls back to a text field.
import type { FolderListing } from '$api/entities.js';
import type { StudioClient } from './client/types.js';

export type { FolderListing };

const supported = new WeakMap<StudioClient, Promise<boolean>>();

/** `fileExtensions` (".pth") also lists files of those types, for picking a file. */
export function listFolders(
  client: StudioClient,
  path?: string,
  fileExtensions?: readonly string[],
): Promise<{ ok: true; result: FolderListing } | { ok: false; message: string; unsupported: boolean }> {
  const params = { ...(path ? { path } : {}), ...(fileExtensions?.length ? { fileExtensions: [...fileExtensions] } : {}) };
  return client.callUnknown('fs.listFolders', params).then((r) => {
    if (r.ok) {
      const l = r.result as FolderListing;
      // A studio from before file listing answers without `files`.
      return { ok: true as const, result: { ...l, files: l.files ?? [] } };
    }
    return { ok: false as const, message: r.error.message, unsupported: r.error.code === 'unknown-method' };
  });
}

function serverBrowsing(client: StudioClient): Promise<boolean> {
  let p = supported.get(client);
  if (!p) supported.set(client, (p = listFolders(client).then((r) => r.ok || !r.unsupported)));
  return p;
}

export function folderBrowserSupported(client: StudioClient): Promise<boolean> {
  if (client.transport === 'ipc' && client.shell?.pickFolder) return Promise.resolve(true);
  return serverBrowsing(client);
}

/** A native file dialog (desktop) or the in-app browser in file mode (browser studio). */
export function fileBrowserSupported(client: StudioClient): Promise<boolean> {
  if (client.shell?.pickFile) return Promise.resolve(true);
  return serverBrowsing(client);
}
