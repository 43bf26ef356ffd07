import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

export const THUMB_SIZES = [64, 96, 128, 160, 192, 256, 320, 384, 512] as const;

/** The smallest cached size that covers `requested` (so a few sizes serve every zoom level). */
export function thumbSizeFor(requested: number): number {
  return THUMB_SIZES.find((s) => s >= requested) ?? THUMB_SIZES[THUMB_SIZES.length - 1]!;
}

/**
 * A small WebP of an image, made once and kept under <data>/thumbs, keyed by the file's path,
 * size and modification time (an edited image gets a new thumbnail). A dataset grid of 10,000
 * images then moves kilobytes, not the originals.
 */
export async function thumbnailFor(file: string, requested: number, cacheDir: string): Promise<string> {
  const size = thumbSizeFor(requested);
  const s = await stat(file);
  const key = createHash('sha1').update(`${file}|${s.size}|${s.mtimeMs}|${size}`).digest('hex');
  const out = path.join(cacheDir, key.slice(0, 2), `${key}.webp`);
  if (existsSync(out)) return out;
  await mkdir(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  await sharp(file, { failOn: 'none' })
    .rotate()
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toFile(tmp);
  await rename(tmp, out);
  return out;
}
