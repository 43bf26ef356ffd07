// Reading and writing images with sharp (libvips). Everything an artist's folder can throw at us
// (EXIF-rotated phone photos, 16-bit scans, grayscale, alpha, palette PNGs, CMYK JPEGs) ends up as
// plain pixels in one of two shapes: integer RawImage (for cheap crops) or float HWC in [-1, 1].
//
// Files are read into memory with fs first and handed to sharp as buffers: fs errors then name the
// real problem (missing, no permission), the bytes can be sniffed to explain a decode failure, and
// libvips' file cache can never serve a stale copy of a file that changed on disk mid-run.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import sharp, { type Metadata, type OutputInfo, type SharpOptions } from 'sharp';
import { atomicTempPath } from '../gan/checkpoint/atomic-write.js';
import { ImageReadError } from './errors.js';
import { publishFile } from './publish.js';

export { ImageReadError } from './errors.js';
export type { ImageReadReason } from './errors.js';

export interface ImageInfo {
  /** sharp's name for the container: jpeg, png, webp, tiff, gif, ppm, … */
  format: string;
  /** 16 for 16-bit-per-channel sources (scanner PNG/TIFF); everything else is read as 8-bit. */
  bitDepth: 8 | 16;
  /** Channels stored in the file, alpha included (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA or CMYK). */
  sourceChannels: number;
  hadAlpha: boolean;
  /** EXIF orientation tag (1–8) when the file has one; the pixels returned are already upright. */
  exifOrientation: number | null;
}

export interface DecodedImage {
  /** HWC, values in [-1, 1]: x/255*2-1 (16-bit sources: x/65535*2-1). */
  data: Float32Array;
  width: number;
  height: number;
  channels: 1 | 3;
  info: ImageInfo;
}

/** Upright integer pixels straight from sharp, before channel conversion. */
export interface RawImage {
  /** HWC samples; Uint16Array when bitDepth is 16. */
  data: Uint8Array | Uint16Array;
  width: number;
  height: number;
  /** 1 gray, 3 RGB, 4 RGBA (gray+alpha sources come as RGBA); 2 (gray+alpha) is accepted too. */
  channels: 1 | 2 | 3 | 4;
  bitDepth: 8 | 16;
  info: ImageInfo;
}

/** A path, or bytes already in memory (`label` names them in error messages). */
export type ImageSource = string | { bytes: Buffer; label: string };

/**
 * 'error' rejects truncated and corrupt files but tolerates harmless warnings (e.g. extra bytes
 * after a JPEG's end marker, which many cameras write). Only the first frame of GIF/WebP is read.
 */
const SHARP_INPUT: SharpOptions = { failOn: 'error', pages: 1 };

const MAX_16 = 65535;
const MAX_8 = 255;

export function maxSampleValue(bitDepth: 8 | 16): number {
  return bitDepth === 16 ? MAX_16 : MAX_8;
}

// ---------------------------------------------------------------------------------------------
// Reading

export async function readSourceBytes(source: ImageSource): Promise<{ bytes: Buffer; label: string }> {
  if (typeof source !== 'string') return source;
  try {
    return { bytes: await readFile(source), label: source };
  } catch (e) {
    throw new ImageReadError(source, 'unreadable', describeFsReadError(e), { cause: e });
  }
}

function describeFsReadError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'the file no longer exists (was it moved or deleted?)';
    case 'EACCES':
    case 'EPERM':
      return 'no permission to read the file; fix its permissions';
    case 'EISDIR':
      return 'this is a folder, not an image file';
    case 'EIO':
      return 'the disk reported an I/O error while reading the file; copy it again from a good source';
    default:
      return `the file could not be read (${err?.message ?? String(e)})`;
  }
}

/** Header-only facts about an image (no pixel decoding), with the size after EXIF rotation. */
export interface ImageHeader {
  width: number;
  height: number;
  info: ImageInfo;
}

export async function readImageHeader(source: ImageSource): Promise<ImageHeader> {
  const { bytes, label } = await readSourceBytes(source);
  const meta = await metadataOf(bytes, label);
  return headerFrom(meta, label);
}

async function metadataOf(bytes: Buffer, label: string): Promise<Metadata> {
  if (bytes.length === 0) {
    throw new ImageReadError(label, 'truncated', 'the file is empty (0 bytes); it was probably not copied completely — copy it again');
  }
  try {
    return await sharp(bytes, SHARP_INPUT).metadata();
  } catch (e) {
    throw classifyDecodeError(label, bytes, e);
  }
}

function headerFrom(meta: Metadata, label: string): ImageHeader {
  if (!meta.width || !meta.height) {
    throw new ImageReadError(label, 'truncated', 'the image header has no size; the file is damaged — replace it');
  }
  const orientation = typeof meta.orientation === 'number' ? meta.orientation : null;
  // Orientations 5–8 rotate by 90°, so width and height trade places once the image is upright.
  const swap = orientation !== null && orientation >= 5 && orientation <= 8;
  const width = meta.autoOrient?.width ?? (swap ? meta.height : meta.width);
  const height = meta.autoOrient?.height ?? (swap ? meta.width : meta.height);
  return {
    width,
    height,
    info: {
      format: meta.format ?? 'unknown',
      bitDepth: meta.depth === 'ushort' ? 16 : 8,
      sourceChannels: meta.channels ?? 3,
      hadAlpha: meta.hasAlpha === true,
      exifOrientation: orientation,
    },
  };
}

/**
 * Decodes to upright integer pixels, optionally resized (bicubic) in the same libvips pipeline, which
 * lets JPEGs shrink while decoding. Alpha is kept (sharp resizes it premultiplied, so compositing
 * afterwards gives the same result as compositing first); convert with `toChannels`.
 */
export async function decodeRaw(source: ImageSource, opts: { resize?: { w: number; h: number } | null } = {}): Promise<RawImage> {
  const { bytes, label } = await readSourceBytes(source);
  const meta = await metadataOf(bytes, label);
  const header = headerFrom(meta, label);
  // sharp's gray output drops alpha, so gray+alpha is read as RGBA (composited later, like RGBA).
  const gray = (meta.space === 'b-w' || meta.space === 'grey16') && meta.hasAlpha !== true;
  const is16 = header.info.bitDepth === 16;
  let pipeline = sharp(bytes, SHARP_INPUT).autoOrient();
  if (opts.resize) pipeline = pipeline.resize(opts.resize.w, opts.resize.h, { kernel: 'cubic', fit: 'fill' });
  // The output colourspace must be named: sharp otherwise converts gray to RGB and 16-bit to 8-bit.
  pipeline = pipeline.toColourspace(colourspaceFor(gray, is16)).raw({ depth: is16 ? 'ushort' : 'uchar' });
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await pipeline.toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw classifyDecodeError(label, bytes, e);
  }
  return {
    data: is16 ? uint16View(out.data) : new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length),
    width: out.info.width,
    height: out.info.height,
    channels: out.info.channels as RawImage['channels'],
    bitDepth: header.info.bitDepth,
    info: header.info,
  };
}

function colourspaceFor(gray: boolean, is16: boolean): string {
  if (gray) return is16 ? 'grey16' : 'b-w';
  return is16 ? 'rgb16' : 'srgb';
}

function uint16View(buf: Buffer): Uint16Array {
  // A Uint16Array view needs an even byte offset; copy in the rare case sharp's buffer has none.
  if (buf.byteOffset % 2 === 0) return new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2);
  const copy = new Uint8Array(buf);
  return new Uint16Array(copy.buffer, 0, copy.length / 2);
}

/** Resizes raw pixels (any channel count, alpha premultiplied by sharp) with the bicubic kernel. */
export async function resizeRaw(raw: RawImage, w: number, h: number): Promise<RawImage> {
  if (raw.width === w && raw.height === h) return raw;
  const gray = raw.channels === 1; // gray+alpha must go through RGBA to keep its alpha
  const is16 = raw.bitDepth === 16;
  const { data, info } = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } })
    .resize(w, h, { kernel: 'cubic', fit: 'fill' })
    .toColourspace(colourspaceFor(gray, is16))
    .raw({ depth: is16 ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return {
    ...raw,
    data: is16 ? uint16View(data) : new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
    channels: info.channels as RawImage['channels'],
  };
}

/** Copies a rectangle out of raw pixels (used to split side-by-side A|B images). */
export function extractRaw(raw: RawImage, left: number, top: number, width: number, height: number): RawImage {
  if (left < 0 || top < 0 || width <= 0 || height <= 0 || left + width > raw.width || top + height > raw.height) {
    throw new RangeError(`region ${width}×${height}+${left}+${top} is outside the ${raw.width}×${raw.height} image`);
  }
  const c = raw.channels;
  const out = raw.bitDepth === 16 ? new Uint16Array(width * height * c) : new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * raw.width + left) * c;
    out.set(raw.data.subarray(from, from + width * c), y * width * c);
  }
  return { ...raw, data: out, width, height };
}

/**
 * Alpha composited on white, then the requested channel count: gray is replicated to RGB; RGB
 * becomes luminance with PIL's convert('L') weights, L = (299 R + 587 G + 114 B) / 1000, rounded
 * to an integer sample as PIL does.
 */
export function toChannels(raw: RawImage, channels: 1 | 3): RawImage {
  const c = raw.channels;
  if (c === channels) return raw;
  const max = maxSampleValue(raw.bitDepth);
  const n = raw.width * raw.height;
  const src = raw.data;
  const out = raw.bitDepth === 16 ? new Uint16Array(n * channels) : new Uint8Array(n * channels);
  const flatten = (v: number, a: number) => Math.round((v * a + max * (max - a)) / max);
  for (let i = 0; i < n; i++) {
    let r: number;
    let g: number;
    let b: number;
    if (c === 1) {
      r = g = b = src[i]!;
    } else if (c === 2) {
      r = g = b = flatten(src[2 * i]!, src[2 * i + 1]!);
    } else if (c === 3) {
      r = src[3 * i]!;
      g = src[3 * i + 1]!;
      b = src[3 * i + 2]!;
    } else {
      const a = src[4 * i + 3]!;
      r = flatten(src[4 * i]!, a);
      g = flatten(src[4 * i + 1]!, a);
      b = flatten(src[4 * i + 2]!, a);
    }
    if (channels === 3) {
      out[3 * i] = r;
      out[3 * i + 1] = g;
      out[3 * i + 2] = b;
    } else {
      // A gray source (c ≤ 2) has r = g = b already; the weights sum to 1000, so it maps to itself.
      out[i] = Math.round((r * 299 + g * 587 + b * 114) / 1000);
    }
  }
  return { ...raw, data: out, channels };
}

/**
 * Integer pixels (1 or 3 channels) to float HWC in [-1, 1], with an optional square crop and a
 * horizontal flip done in the same pass. A crop reaching past the image is padded with -1 (black),
 * as PIL's Image.crop pads outside the source.
 */
export function rawToFloat(raw: RawImage, crop: { x: number; y: number; size: number } | null = null, flip = false): Float32Array {
  if (raw.channels !== 1 && raw.channels !== 3) throw new Error(`rawToFloat needs 1 or 3 channels, got ${raw.channels}; call toChannels first`);
  const c = raw.channels;
  const outW = crop ? crop.size : raw.width;
  const outH = crop ? crop.size : raw.height;
  const x0 = crop ? crop.x : 0;
  const y0 = crop ? crop.y : 0;
  const scale = 2 / maxSampleValue(raw.bitDepth);
  const out = new Float32Array(outW * outH * c).fill(-1);
  const src = raw.data;
  for (let y = 0; y < outH; y++) {
    const sy = y0 + y;
    if (sy >= raw.height) break;
    const rowIn = sy * raw.width;
    const rowOut = y * outW;
    for (let x = 0; x < outW; x++) {
      const sx = x0 + x;
      if (sx >= raw.width) break;
      const ox = flip ? outW - 1 - x : x;
      const si = (rowIn + sx) * c;
      const oi = (rowOut + ox) * c;
      for (let k = 0; k < c; k++) out[oi + k] = src[si + k]! * scale - 1;
    }
  }
  return out;
}

/** Reads any supported image as upright float pixels in [-1, 1] with 1 or 3 channels. */
export async function readImage(path: string, opts: { channels: 1 | 3 }): Promise<DecodedImage> {
  const raw = toChannels(await decodeRaw(path), opts.channels);
  return { data: rawToFloat(raw), width: raw.width, height: raw.height, channels: opts.channels, info: raw.info };
}

// ---------------------------------------------------------------------------------------------
// Explaining failures

/** File signatures of formats people save images as but this sharp build cannot decode. */
const UNSUPPORTED_SIGNATURES: Array<{ name: string; test: (b: Buffer) => boolean }> = [
  { name: 'BMP', test: (b) => b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d },
  { name: 'Photoshop (PSD)', test: (b) => b.subarray(0, 4).toString('latin1') === '8BPS' },
  { name: 'icon (ICO)', test: (b) => b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0 },
  { name: 'HEIC', test: (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' && /hei|hev|mif/.test(b.subarray(8, 12).toString('latin1')) },
];

/** Signatures of formats sharp reads, to tell a cut-short file from a file that is not an image. */
const SUPPORTED_SIGNATURES: Array<{ name: string; test: (b: Buffer) => boolean }> = [
  { name: 'PNG', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { name: 'JPEG', test: (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { name: 'GIF', test: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  { name: 'WebP', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && (b.length < 12 || b.subarray(8, 12).toString('latin1') === 'WEBP') },
  { name: 'TIFF', test: (b) => ['II*\0', 'MM\0*'].includes(b.subarray(0, 4).toString('latin1')) },
];

function looksLikeText(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 512);
  if (head.length === 0) return false;
  let printable = 0;
  for (const byte of head) if (byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127) || byte >= 128) printable++;
  return printable / head.length > 0.95 && !head.includes(0);
}

/** Turns sharp's error into a reason plus a sentence that says what to do about this file. */
export function classifyDecodeError(label: string, bytes: Buffer, e: unknown): ImageReadError {
  if (e instanceof ImageReadError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split('\n')[0]!.trim();
  if (/unsupported image format/i.test(msg)) {
    const started = SUPPORTED_SIGNATURES.find((s) => s.test(bytes));
    if (started) {
      // The file begins like a real image but sharp cannot even parse its header: cut short early.
      return new ImageReadError(label, 'truncated', `the file is damaged or cut short (it starts like a ${started.name} but its header is incomplete); copy it again or remove it`, { cause: e });
    }
    const known = UNSUPPORTED_SIGNATURES.find((s) => s.test(bytes));
    if (known) {
      return new ImageReadError(label, 'unsupported', `${known.name} images cannot be read; convert it to PNG or JPEG`, { cause: e });
    }
    const what = looksLikeText(bytes) ? 'the file contains text, not an image' : 'the file contents are not a recognised image format';
    return new ImageReadError(label, 'not-an-image', `${what}; remove it from the folder or replace it with the real image`, { cause: e });
  }
  if (/pixel limit/i.test(msg)) {
    return new ImageReadError(label, 'unsupported', 'the image is larger than 268 megapixels; scale it down first', { cause: e });
  }
  if (/premature end|truncat|corrupt header|read error|unexpected end|end of file|not enough data|out of order|invalid|damaged|corrupt|crc/i.test(msg)) {
    return new ImageReadError(label, 'truncated', `the file is damaged or cut short (${first}); copy it again or remove it`, { cause: e });
  }
  // libvips keeps one error buffer per process: when decodes run concurrently another operation can
  // clear it, and sharp says only "Unknown error". A file that starts like a supported image and
  // then fails to decode is damaged, whatever the lost message said.
  if (/^unknown error$/i.test(first) && SUPPORTED_SIGNATURES.some((s) => s.test(bytes))) {
    return new ImageReadError(label, 'truncated', 'the file is damaged or cut short (its pixel data could not be decoded); copy it again or remove it', { cause: e });
  }
  if (/not supported|unsupported/i.test(msg)) {
    return new ImageReadError(label, 'unsupported', `this kind of image is not supported (${first}); convert it to PNG or JPEG`, { cause: e });
  }
  return new ImageReadError(label, 'unreadable', `the image could not be decoded (${first}); re-save it as PNG or JPEG`, { cause: e });
}

// ---------------------------------------------------------------------------------------------
// Writing

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

export async function writeImage(
  path: string,
  data: Float32Array,
  width: number,
  height: number,
  channels: 1 | 3,
  format: WriteFormat,
  quality?: number,
  options: WriteOptions = {},
): Promise<void> {
  if (data.length !== width * height * channels) {
    throw new RangeError(`writeImage: ${data.length} values do not make a ${width}×${height}×${channels} image`);
  }
  await writeImageBytes(path, floatToUint8(data), width, height, channels, format, quality, options);
}

export interface WriteOptions {
  /** Keep a file that has the name by the time the image is ready (the error's cause is a PublishConflictError). */
  keepExisting?: boolean;
}

/** 8-bit HWC pixels (alpha last, if any) to an image file, written under a temporary name and renamed into place. */
export async function writeImageBytes(
  path: string,
  data: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
  format: WriteFormat,
  quality?: number,
  options: WriteOptions = {},
): Promise<void> {
  const encoded = await encodeImage(data, width, height, channels, format, quality);
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

export async function encodeImage(
  data: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
  format: WriteFormat,
  quality?: number,
): Promise<Buffer> {
  // 2 and 4 channels carry alpha last (gray+alpha, RGBA); JPEG cannot store it.
  let pipeline = sharp(data, { raw: { width, height, channels } }).toColourspace(channels <= 2 ? 'b-w' : 'srgb');
  if (format === 'png') pipeline = pipeline.png();
  else if (format === 'jpeg') pipeline = pipeline.jpeg({ quality: quality ?? 95 });
  else pipeline = pipeline.webp({ quality: quality ?? 95 });
  return pipeline.toBuffer();
}

/**
 * Decodes every pixel (into a small thumbnail, to bound memory) and throws an ImageReadError if the
 * data is cut short or corrupt. Needed because a truncated file still has a valid header, so
 * `readImageHeader` alone would pass it.
 */
export async function verifyDecodes(source: ImageSource): Promise<ImageHeader> {
  const { bytes, label } = await readSourceBytes(source);
  const header = headerFrom(await metadataOf(bytes, label), label);
  try {
    await sharp(bytes, SHARP_INPUT).resize(256, 256, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer();
  } catch (e) {
    throw classifyDecodeError(label, bytes, e);
  }
  return header;
}

/** The name the studio code asks for: upright integer pixels, optionally resized in the same decode. */
export const readImageRaw = decodeRaw;
