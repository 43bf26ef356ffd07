// Operations on decoded integer pixels (RawImage): resizing, cropping out a region, converting the
// channel count (alpha composited on white), and conversion to the engine's float HWC in [-1, 1].
import sharp, { type Sharp } from 'sharp';
import type { ImageInfo } from './image-read.js';

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

const MAX_16 = 65535;
const MAX_8 = 255;

export function maxSampleValue(bitDepth: 8 | 16): number {
  return bitDepth === 16 ? MAX_16 : MAX_8;
}

/**
 * Has sharp write raw samples that keep what was decoded: gray stays gray and 16-bit stays 16-bit
 * (the output colourspace must be named, or sharp converts gray to RGB and 16-bit to 8-bit).
 */
export function rawOutput(pipeline: Sharp, gray: boolean, bitDepth: 8 | 16): Sharp {
  const is16 = bitDepth === 16;
  const colourspace = gray ? (is16 ? 'grey16' : 'b-w') : is16 ? 'rgb16' : 'srgb';
  return pipeline.toColourspace(colourspace).raw({ depth: is16 ? 'ushort' : 'uchar' });
}

/** sharp's raw output as samples of `bitDepth`. */
export function rawSamples(buf: Buffer, bitDepth: 8 | 16): Uint8Array | Uint16Array {
  if (bitDepth === 8) return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  // A Uint16Array view needs an even byte offset; copy in the rare case sharp's buffer has none.
  if (buf.byteOffset % 2 === 0) return new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2);
  const copy = new Uint8Array(buf);
  return new Uint16Array(copy.buffer, 0, copy.length / 2);
}

/** Resizes raw pixels (any channel count, alpha premultiplied by sharp) with the bicubic kernel. */
export async function resizeRaw(raw: RawImage, w: number, h: number): Promise<RawImage> {
  if (raw.width === w && raw.height === h) return raw;
  const gray = raw.channels === 1; // gray+alpha must go through RGBA to keep its alpha
  const source = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
  const pipeline = source.resize(w, h, { kernel: 'cubic', fit: 'fill' });
  const { data, info } = await rawOutput(pipeline, gray, raw.bitDepth).toBuffer({ resolveWithObject: true });
  return {
    ...raw,
    data: rawSamples(data, raw.bitDepth),
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
  if (raw.channels !== 1 && raw.channels !== 3) {
    throw new Error(`rawToFloat needs 1 or 3 channels, got ${raw.channels}; call toChannels first`);
  }
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
