// Reading images with sharp (libvips). Everything an artist's folder can throw at us (EXIF-rotated
// phone photos, 16-bit scans, grayscale, alpha, palette PNGs, CMYK JPEGs) ends up as plain pixels
// in one of two shapes: integer RawImage (for cheap crops; see raw-pixels.ts) or float HWC in [-1, 1].
//
// Files are read into memory with fs first and handed to sharp as buffers: fs errors then name the
// real problem (missing, no permission), the bytes can be sniffed to explain a decode failure, and
// libvips' file cache can never serve a stale copy of a file that changed on disk mid-run.
import { readFile } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo, type SharpOptions } from 'sharp';
import { classifyDecodeError, describeFsReadError, ImageReadError } from './errors.js';
import { rawOutput, rawSamples, rawToFloat, toChannels, type RawImage } from './raw-pixels.js';

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

/** A path, or bytes already in memory (`label` names them in error messages). */
export type ImageSource = string | { bytes: Buffer; label: string };

/**
 * 'error' rejects truncated and corrupt files but tolerates harmless warnings (e.g. extra bytes
 * after a JPEG's end marker, which many cameras write). Only the first frame of GIF/WebP is read.
 */
const SHARP_INPUT: SharpOptions = { failOn: 'error', pages: 1 };

export async function readSourceBytes(source: ImageSource): Promise<{ bytes: Buffer; label: string }> {
  if (typeof source !== 'string') return source;
  try {
    return { bytes: await readFile(source), label: source };
  } catch (e) {
    throw new ImageReadError(source, 'unreadable', describeFsReadError(e), { cause: e });
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
  let pipeline = sharp(bytes, SHARP_INPUT).autoOrient();
  if (opts.resize) pipeline = pipeline.resize(opts.resize.w, opts.resize.h, { kernel: 'cubic', fit: 'fill' });
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await rawOutput(pipeline, gray, header.info.bitDepth).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw classifyDecodeError(label, bytes, e);
  }
  return {
    data: rawSamples(out.data, header.info.bitDepth),
    width: out.info.width,
    height: out.info.height,
    channels: out.info.channels as RawImage['channels'],
    bitDepth: header.info.bitDepth,
    info: header.info,
  };
}

/** Reads any supported image as upright float pixels in [-1, 1] with 1 or 3 channels. */
export async function readImage(path: string, opts: { channels: 1 | 3 }): Promise<DecodedImage> {
  const raw = toChannels(await decodeRaw(path), opts.channels);
  return { data: rawToFloat(raw), width: raw.width, height: raw.height, channels: opts.channels, info: raw.info };
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
