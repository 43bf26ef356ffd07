import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FolderListing } from '../api/entities.js';
import type { MethodParams } from '../api/methods.js';
import { isImagePath } from '../data/scan.js';
import type { StudioContext } from './context.js';
import { StudioError } from './studio-error.js';

const MAX_ENTRIES = 2000;

async function countImages(dir: string): Promise<number | null> {
  try {
    const names = await readdir(dir);
    return names.filter((n) => !n.startsWith('.') && isImagePath(n)).length;
  } catch {
    return null;
  }
}

function roots(): FolderListing['roots'] {
  const out = [{ label: 'Home', path: os.homedir() }];
  if (process.platform === 'win32') {
    for (const letter of 'CDEFGH') out.push({ label: `${letter}:`, path: `${letter}:\\` });
  } else {
    out.push({ label: 'Computer', path: '/' });
    if (process.platform === 'darwin') out.push({ label: 'Volumes', path: '/Volumes' });
  }
  return out;
}

/**
 * Sub-folders of one folder, with how many images each holds directly, so a browser user can pick
 * dataset folders without typing paths; and, when asked, its files of some types (a .pth to import). The studio binds loopback (or requires a token), so this
 * shows the machine's folders only to its own user.
 */
export async function listFolders(_ctx: StudioContext, p: MethodParams<'fs.listFolders'>): Promise<FolderListing> {
  const dir = path.resolve(p.path ?? os.homedir());
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StudioError('folder-missing', `The folder ${dir} does not exist.`);
    if (code === 'ENOTDIR') throw new StudioError('invalid-input', `${dir} is a file, not a folder.`);
    throw new StudioError('forbidden-path', `The folder ${dir} cannot be read (${code ?? 'error'}).`);
  }
  const folders = entries
    .filter((e) => e.isDirectory() && (p.showHidden || !e.name.startsWith('.')))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  const listed = folders.slice(0, MAX_ENTRIES);
  const wanted = new Set(p.fileExtensions.map((x) => x.toLowerCase()));
  const fileNames = wanted.size
    ? entries
        .filter((e) => e.isFile() && wanted.has(path.extname(e.name).toLowerCase()) && (p.showHidden || !e.name.startsWith('.')))
        .map((e) => e.name)
        .sort((a, b) => a.localeCompare(b))
        .slice(0, MAX_ENTRIES)
    : [];
  const files = await Promise.all(
    fileNames.map(async (name) => ({
      name,
      path: path.join(dir, name),
      size: (await stat(path.join(dir, name)).catch(() => null))?.size ?? 0,
    })),
  );
  const parent = path.dirname(dir);
  return {
    path: dir,
    parent: parent === dir ? null : parent,
    roots: roots(),
    entries: await Promise.all(
      listed.map(async (name) => ({ name, path: path.join(dir, name), images: await countImages(path.join(dir, name)) })),
    ),
    files,
    truncated: folders.length > listed.length,
  };
}
