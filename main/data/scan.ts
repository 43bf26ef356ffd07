// Finding the images in a folder: recursive (like the reference's make_dataset), case-insensitive
// extensions, hidden and temporary files skipped, and a deterministic order.
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { DatasetError } from './errors.js';

/**
 * Extensions Tandem treats as images. The reference's list plus WebP and GIF (sharp reads both).
 * BMP is listed so such files are reported as unsupported instead of being silently ignored:
 * the prebuilt sharp cannot decode BMP.
 */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.bmp', '.ppm'];

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(path).toLowerCase());
}

/**
 * Names that never count as data: hidden files (".DS_Store", "._photo.jpg" from macOS, editors'
 * swap files) and Tandem's own half-written files (atomic writes use hidden ".name.pid.rand.tmp").
 */
function isSkippedName(name: string): 'hidden' | 'temp' | null {
  if (name.endsWith('.tmp') || name.endsWith('.partial')) return 'temp';
  if (name.startsWith('.')) return 'hidden';
  return null;
}

export interface FolderScan {
  /** Absolute folder path as scanned. */
  dir: string;
  /** Absolute image paths, sorted by code unit (the reference sorts path strings). */
  images: string[];
  /** Files that are not images, by lower-case extension ("(none)" for no extension). */
  otherFiles: Record<string, number>;
  otherFileCount: number;
  skippedHidden: number;
  skippedTemp: number;
}

export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Throws a DatasetError unless `dir` exists and is a folder. */
export async function assertFolder(dir: string, what = 'folder'): Promise<void> {
  let info;
  try {
    info = await stat(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DatasetError('folder-missing', `The ${what} ${dir} does not exist; check the path or create it.`, { cause: e });
    }
    throw new DatasetError('folder-missing', `Cannot open the ${what} ${dir}: ${(e as Error).message}`, { cause: e });
  }
  if (!info.isDirectory()) {
    throw new DatasetError('not-a-folder', `${dir} is a file, not a folder; point Tandem at the folder that holds the images.`);
  }
}

export async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Lists a folder's images recursively. Throws if the folder is missing or not a folder. */
export async function scanImageFolder(dirIn: string): Promise<FolderScan> {
  const dir = resolve(dirIn);
  await assertFolder(dir);
  const scan: FolderScan = { dir, images: [], otherFiles: {}, otherFileCount: 0, skippedHidden: 0, skippedTemp: 0 };
  // Real paths of folders already walked: a symlink loop must not make the scan endless.
  const seen = new Set<string>();
  await walk(dir, scan, seen);
  scan.images.sort(comparePaths);
  return scan;
}

async function walk(dir: string, scan: FolderScan, seen: Set<string>): Promise<void> {
  const real = await realpath(dir).catch(() => dir);
  if (seen.has(real)) return;
  seen.add(real);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new DatasetError('folder-missing', `Cannot list the folder ${dir}: ${(e as Error).message}`, { cause: e });
  }
  for (const entry of entries) {
    const skipped = isSkippedName(entry.name);
    if (skipped === 'hidden') {
      scan.skippedHidden++;
      continue;
    }
    if (skipped === 'temp') {
      scan.skippedTemp++;
      continue;
    }
    const path = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(() => null);
      isDir = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isDir) {
      await walk(path, scan, seen);
    } else if (isFile) {
      if (isImagePath(entry.name)) {
        scan.images.push(path);
      } else {
        const ext = extname(entry.name).toLowerCase() || '(none)';
        scan.otherFiles[ext] = (scan.otherFiles[ext] ?? 0) + 1;
        scan.otherFileCount++;
      }
    }
  }
}

/** "12 files, none of them images (.txt, .csv)" — what a folder holds instead of images. */
export function describeNonImages(scan: FolderScan): string {
  if (scan.otherFileCount === 0) {
    const hidden = scan.skippedHidden + scan.skippedTemp;
    return hidden > 0 ? `no files except ${hidden} hidden or temporary one${hidden === 1 ? '' : 's'}` : 'no files at all';
  }
  const exts = Object.entries(scan.otherFiles)
    .sort((a, b) => b[1] - a[1] || comparePaths(a[0], b[0]))
    .map(([ext]) => ext);
  const n = scan.otherFileCount;
  return `${n} file${n === 1 ? '' : 's'}, none of them images (${exts.join(', ')})`;
}

/** Scans and insists on at least one image, saying what was found instead. */
export async function scanImageFolderStrict(dir: string, what = 'folder'): Promise<FolderScan> {
  const scan = await scanImageFolder(dir);
  if (scan.images.length === 0) {
    if (scan.otherFileCount === 0) {
      const hidden = scan.skippedHidden + scan.skippedTemp;
      const extra = hidden > 0 ? ` (only ${hidden} hidden or temporary file${hidden === 1 ? '' : 's'})` : '';
      throw new DatasetError('empty-folder', `The ${what} ${scan.dir} is empty${extra}; put the images in it.`);
    }
    throw new DatasetError(
      'no-images',
      `The ${what} ${scan.dir} has no images: it holds ${describeNonImages(scan)}. Add .jpg, .png, .webp, .tif or .gif files.`,
    );
  }
  return scan;
}
