// Crash-safe file replacement: readers see either the old file or the complete new one, never a
// partial write, even if the process or the machine stops midway.
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Temp files are hidden siblings of the target: `.<name>.<pid>.<random>.tmp`. */
export function atomicTempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** True for names atomicTempPath produces, so a cleanup can find leftovers of crashed writes. */
export function isAtomicTempName(name: string): boolean {
  return /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/.test(name);
}

export async function writeFileAtomic(path: string, data: Buffer | string): Promise<void> {
  const folder = dirname(path);
  const tmp = atomicTempPath(path);
  let handle: FileHandle | undefined;
  let created = false;
  try {
    handle = await open(tmp, 'wx', 0o644);
    created = true;
    await handle.writeFile(data);
    // The data must be on disk before the rename makes it visible under the real name.
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, path);
    created = false;
  } catch (e) {
    await handle?.close().catch(() => undefined);
    if (created) await rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`could not write ${path}: ${describeFsError(e, folder)}`, { cause: e });
  }
  await syncFolder(folder, path);
}

/** Makes the rename itself durable. Windows cannot open folders for syncing, and needs not. */
async function syncFolder(folder: string, path: string): Promise<void> {
  if (process.platform === 'win32') return;
  let dir: FileHandle | undefined;
  try {
    dir = await open(folder, 'r');
    await dir.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Some file systems (network, FUSE) cannot fsync a folder; the file itself is already synced.
    if (code === 'EINVAL' || code === 'ENOTSUP' || code === 'EISDIR') return;
    throw new Error(`wrote ${path} but could not flush its folder to disk: ${describeFsError(e, folder)}`, { cause: e });
  } finally {
    await dir?.close().catch(() => undefined);
  }
}

function describeFsError(e: unknown, folder: string): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return `the folder ${folder} does not exist; create it or choose another location`;
    case 'ENOTDIR':
      return `part of the folder path ${folder} is a file, not a folder; choose another location`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write in ${folder}; fix its permissions or choose another location`;
    case 'EROFS':
      return `${folder} is on a read-only file system; choose another location`;
    case 'ENOSPC':
      return `the disk holding ${folder} is full; free some space and try again`;
    case 'EDQUOT':
      return `the disk quota for ${folder} is exhausted; free some space and try again`;
    case 'EISDIR':
      return 'a folder with that name is in the way; remove it or choose another name';
    default:
      return err instanceof Error ? err.message : String(e);
  }
}
