// What the index records about one image file: size and time (to notice changes cheaply), a
// content hash (duplicates), and whether it fully decodes (a truncated file has a valid header).
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { ImageReadError, verifyDecodes } from '../data/image-read.js';
import type { ImageFacts } from '../store/dataset-index.js';

export type { ImageFacts };

/** null when the file is gone (deleted between the event and now). */
export async function readImageFacts(path: string): Promise<ImageFacts | null> {
  let info;
  let bytes: Buffer;
  try {
    info = await stat(path);
    if (!info.isFile()) return null;
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    return {
      size: info?.size ?? 0,
      mtimeMs: info?.mtimeMs ?? 0,
      width: null,
      height: null,
      contentHash: null,
      status: 'unreadable',
      reason: `cannot read the file: ${(e as Error).message}`,
    };
  }
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  try {
    const header = await verifyDecodes({ bytes, label: path });
    return { size: info.size, mtimeMs: info.mtimeMs, width: header.width, height: header.height, contentHash, status: 'ok', reason: null };
  } catch (e) {
    const reason = e instanceof ImageReadError ? `${e.reason}: ${e.detail}` : `unreadable: ${(e as Error).message}`;
    return { size: info.size, mtimeMs: info.mtimeMs, width: null, height: null, contentHash, status: 'unreadable', reason };
  }
}
