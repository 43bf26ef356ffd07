import sharp from 'sharp';
import { decodeRaw } from './image-read.js';
import { floatToUint8, writeImageBytes, type WriteFormat } from './image-write.js';
import { maxSampleValue, rawToFloat, toChannels, type RawImage } from './raw-pixels.js';

/**
 * Images as batch translation reads and writes them: RGB (or gray) in [-1, 1] for the network,
 * with the source's alpha kept apart and put back on outputs that can hold it (PNG, WebP), since
 * the networks see no alpha. Optionally scaled down first (`--resize`).
 */
export interface TranslationInput {
  data: Float32Array;
  width: number;
  height: number;
  channels: 1 | 3;
  /** 8-bit alpha of the (resized) image, or null when it is opaque. */
  alpha: Uint8Array | null;
  /** The file's own size, before any resize. */
  sourceWidth: number;
  sourceHeight: number;
}

/** The size after `--resize N`: the longer side at most N, aspect kept; never enlarged. */
export function resizedSize(width: number, height: number, longest?: number): { width: number; height: number } {
  if (!longest || Math.max(width, height) <= longest) return { width, height };
  const scale = longest / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The upright size and alpha from the file's header alone (no pixel decode), or null when the
 * header cannot be read (the decode then reports why).
 */
export async function headerSize(file: string): Promise<{ width: number; height: number; hasAlpha: boolean } | null> {
  try {
    const meta = await sharp(file, { pages: 1 }).metadata();
    if (!meta.width || !meta.height) return null;
    const swap = typeof meta.orientation === 'number' && meta.orientation >= 5;
    return {
      width: meta.autoOrient?.width ?? (swap ? meta.height : meta.width),
      height: meta.autoOrient?.height ?? (swap ? meta.width : meta.height),
      hasAlpha: meta.hasAlpha === true,
    };
  } catch {
    return null;
  }
}

function alphaOf(raw: RawImage): Uint8Array | null {
  if (raw.channels !== 2 && raw.channels !== 4) return null;
  const c = raw.channels;
  const n = raw.width * raw.height;
  const out = new Uint8Array(n);
  const scale = 255 / maxSampleValue(raw.bitDepth);
  let opaque = true;
  for (let i = 0; i < n; i++) {
    const a = Math.round(raw.data[i * c + c - 1]! * scale);
    out[i] = a;
    if (a !== 255) opaque = false;
  }
  return opaque ? null : out;
}

export async function readForTranslation(file: string, channels: 1 | 3, longest?: number): Promise<TranslationInput> {
  const header = await headerSize(file);
  const target = header ? resizedSize(header.width, header.height, longest) : null;
  const resize =
    header && target && (target.width !== header.width || target.height !== header.height) ? { w: target.width, h: target.height } : null;
  const raw = await decodeRaw(file, { resize });
  const alpha = alphaOf(raw);
  const rgb = toChannels(raw, channels);
  return {
    data: rawToFloat(rgb),
    width: raw.width,
    height: raw.height,
    channels,
    alpha,
    sourceWidth: header?.width ?? raw.width,
    sourceHeight: header?.height ?? raw.height,
  };
}

/** Whether a format keeps alpha. */
export const keepsAlpha = (format: WriteFormat): boolean => format !== 'jpeg';

/**
 * Writes a translation (HWC in [-1, 1]); `alpha` is attached where the format can hold it.
 * `keepExisting`: a file that took the name meanwhile stays (the error's cause is a PublishConflictError).
 */
export async function writeTranslation(
  file: string,
  data: Float32Array,
  width: number,
  height: number,
  channels: 1 | 3,
  alpha: Uint8Array | null,
  format: WriteFormat,
  keepExisting = false,
): Promise<void> {
  const pixels = floatToUint8(data);
  const options = { keepExisting };
  if (!alpha || !keepsAlpha(format)) return writeImageBytes(file, { data: pixels, width, height, channels }, format, options);
  const n = width * height;
  const out = new Uint8Array(n * (channels + 1));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < channels; k++) out[i * (channels + 1) + k] = pixels[i * channels + k]!;
    out[i * (channels + 1) + channels] = alpha[i]!;
  }
  return writeImageBytes(file, { data: out, width, height, channels: channels === 1 ? 2 : 4 }, format, options);
}
