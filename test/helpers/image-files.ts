// Real image files for data tests, written with sharp into throwaway folders.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

export async function makeTempDir(prefix = 'tandem-data-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export type PixelFn = (x: number, y: number) => number[];

function fill(width: number, height: number, channels: number, pixel: PixelFn, ArrayType: typeof Uint8Array | typeof Uint16Array) {
  const data = new ArrayType(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixel(x, y);
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = v[c] ?? 0;
    }
  }
  return data;
}

async function save(path: string, bytes: Buffer): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

/** 8-bit image; channels 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA). Format from options. */
export async function writeTestImage(
  path: string,
  width: number,
  height: number,
  pixel: PixelFn,
  opts: { channels?: 1 | 2 | 3 | 4; format?: 'png' | 'jpeg' | 'webp' | 'tiff' | 'gif'; orientation?: number } = {},
): Promise<string> {
  const channels = opts.channels ?? 3;
  const data = fill(width, height, channels, pixel, Uint8Array);
  let img = sharp(data, { raw: { width, height, channels } });
  if (channels <= 2) img = img.toColourspace('b-w');
  const format = opts.format ?? 'png';
  img = format === 'jpeg' ? img.jpeg({ quality: 100, chromaSubsampling: '4:4:4' }) : img.toFormat(format);
  if (opts.orientation) img = img.withMetadata({ orientation: opts.orientation });
  return save(path, await img.toBuffer());
}

/** 16-bit PNG with exact sample values (channels 1 or 3). */
export async function write16BitPng(path: string, width: number, height: number, pixel: PixelFn, channels: 1 | 3 = 3): Promise<string> {
  const data = fill(width, height, channels, pixel, Uint16Array);
  const space = channels === 1 ? 'grey16' : 'rgb16';
  const bytes = await sharp(data, { raw: { width, height, channels } }).pipelineColourspace(space).toColourspace(space).png().toBuffer();
  return save(path, bytes);
}

/** Pseudo-random RGB noise (compresses badly, so a truncated file really loses pixel data). */
export const noise: PixelFn = (x, y) => [(x * 7919 + y * 104729) % 251, (x * 31 + y * 17) % 256, (x * y * 13) % 256];

/** A JPEG cut to half its length: valid header, missing pixel data. */
export async function writeTruncatedJpeg(path: string, width = 64, height = 64): Promise<string> {
  const data = fill(width, height, 3, noise, Uint8Array);
  const full = await sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
  return save(path, full.subarray(0, Math.floor(full.length / 2)));
}

export async function writeTextFile(path: string, text = 'this is not an image\n'): Promise<string> {
  return save(path, Buffer.from(text));
}

/** A solid-colour PNG; distinct `seed`s give distinct content. */
export async function writeSolid(path: string, width: number, height: number, rgb: [number, number, number]): Promise<string> {
  return writeTestImage(path, width, height, () => rgb);
}
