// What one image file is: readable or not (and why), its size and format, and its hash for finding
// copies. Read once per file, so every folder and pair that lists it shares the same answer.
import { createHash } from 'node:crypto';
import { ImageReadError } from './errors.js';
import { readSourceBytes, verifyDecodes, type ImageInfo } from './image-read.js';

export interface FileFacts {
  path: string;
  ok: boolean;
  sha256: string | null;
  width: number;
  height: number;
  info: ImageInfo | null;
  error: ImageReadError | null;
}

export async function inspectFile(path: string): Promise<FileFacts> {
  const failed = (error: ImageReadError, sha256: string | null = null): FileFacts => ({
    path,
    ok: false,
    sha256,
    width: 0,
    height: 0,
    info: null,
    error,
  });
  let bytes: Buffer;
  try {
    bytes = (await readSourceBytes(path)).bytes;
  } catch (e) {
    return failed(asReadError(path, e));
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  try {
    // The header alone passes truncated files; verifyDecodes reads all the pixel data.
    const header = await verifyDecodes({ bytes, label: path });
    return { path, ok: true, sha256, width: header.width, height: header.height, info: header.info, error: null };
  } catch (e) {
    return failed(asReadError(path, e), sha256);
  }
}

function asReadError(path: string, e: unknown): ImageReadError {
  return e instanceof ImageReadError ? e : new ImageReadError(path, 'unreadable', (e as Error)?.message ?? String(e), { cause: e });
}
