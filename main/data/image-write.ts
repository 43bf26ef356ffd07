// Writing images with sharp: 8-bit pixels encoded as PNG, JPEG or WebP, written under a temporary
// name and moved into place, so a reader never sees half a file.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import sharp from 'sharp';
import { atomicTempPath } from '../gan/checkpoint/atomic-write.js';
import { publishFile } from './publish.js';

export type WriteFormat = 'png' | 'jpeg' | 'webp';

/** The output format a file name asks for. */
export function formatFromPath(path: string): WriteFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  if (ext === '.webp') return 'webp';
  throw new Error(`Cannot write ${path}: Tandem writes .png, .jpg or .webp images${ext ? `, not ${ext}` : ' (the name has no extension)'}`);
}

/**
 * Float HWC in [-1, 1] to 8-bit samples. The reference (tensor2im) computes (y+1)/2*255 and
 * truncates with astype(uint8); Tandem rounds, so a sample can be one level higher than the
 * reference's, never more. Values outside [-1, 1] are clamped.
 */
export function floatToUint8(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(((data[i]! + 1) / 2) * 255);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v; // NaN lands on 0 through the Uint8Array store.
  }
  return out;
}

/** 8-bit HWC samples; 2 and 4 channels carry alpha last (gray+alpha, RGBA). */
export interface Pixels8 {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export interface WriteOptions {
  /** JPEG and WebP quality (default 95). */
  quality?: number;
  /** Keep a file that has the name by the time the image is ready (the error's cause is a PublishConflictError). */
  keepExisting?: boolean;
}

/** Float HWC pixels in [-1, 1] to an image file (see floatToUint8 for the rounding). */
export async function writeImage(
  path: string,
  image: { data: Float32Array; width: number; height: number; channels: 1 | 3 },
  format: WriteFormat,
  options: WriteOptions = {},
): Promise<void> {
  const { data, width, height, channels } = image;
  if (data.length !== width * height * channels) {
    throw new RangeError(`writeImage: ${data.length} values do not make a ${width}×${height}×${channels} image`);
  }
  await writeImageBytes(path, { data: floatToUint8(data), width, height, channels }, format, options);
}

/** 8-bit pixels to an image file, written under a temporary name and renamed into place. */
export async function writeImageBytes(path: string, pixels: Pixels8, format: WriteFormat, options: WriteOptions = {}): Promise<void> {
  const encoded = await encodeImage(pixels, format, options.quality);
  await mkdir(dirname(path), { recursive: true });
  // A killed process leaves at most a hidden ".name.pid.random.tmp" (which folder scans skip), never
  // a half-written file under the real name. No fsync: outputs can be regenerated, and syncing
  // every one of hundreds of images would cost more than it protects.
  const tmp = atomicTempPath(path);
  try {
    await writeFile(tmp, encoded);
    await (options.keepExisting ? publishFile(tmp, path) : rename(tmp, path));
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`Cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

export async function encodeImage({ data, width, height, channels }: Pixels8, format: WriteFormat, quality = 95): Promise<Buffer> {
  // JPEG cannot store alpha; sharp drops it.
  let pipeline = sharp(data, { raw: { width, height, channels } }).toColourspace(channels <= 2 ? 'b-w' : 'srgb');
  if (format === 'png') pipeline = pipeline.png();
  else if (format === 'jpeg') pipeline = pipeline.jpeg({ quality });
  else pipeline = pipeline.webp({ quality });
  return pipeline.toBuffer();
}
