// The reference's get_params/get_transform split in two: `sampleTransformParams` draws every
// random choice for one image (so paired A and B can share them), and `applyTransform` carries them
// out with sharp (bicubic resize) plus a crop/flip pass while converting to floats.
import type { Rng } from '../gan/util/rng.js';
import { DatasetError } from './errors.js';
import { decodeRaw, readSourceBytes, type ImageSource } from './image-read.js';
import { rawToFloat, resizeRaw, toChannels, type RawImage } from './raw-pixels.js';

export type PreprocessMode = 'resize_and_crop' | 'crop' | 'scale_width' | 'scale_width_and_crop' | 'none';
export const PREPROCESS_MODES: readonly PreprocessMode[] = ['resize_and_crop', 'crop', 'scale_width', 'scale_width_and_crop', 'none'];

export interface PreprocessOptions {
  preprocess: PreprocessMode;
  load_size: number;
  crop_size: number;
  no_flip: boolean;
  input_nc: 1 | 3;
  output_nc: 1 | 3;
}

/** The reference's training defaults (base_options.py). */
export const DEFAULT_PREPROCESS: PreprocessOptions = {
  preprocess: 'resize_and_crop',
  load_size: 286,
  crop_size: 256,
  no_flip: false,
  input_nc: 3,
  output_nc: 3,
};

export interface TransformParams {
  /** Whole-image bicubic resize first, or null to keep the size. */
  resize: { w: number; h: number } | null;
  /** Then a square crop at (x, y), or null. */
  crop: { x: number; y: number; size: number } | null;
  /** Then a left-right mirror. */
  flip: boolean;
}

/** __make_power_2 rounds to a multiple of 4. */
const SIZE_BASE = 4;

/** Python 3's round(): halves go to the even neighbour (round(2.5) == 2), unlike Math.round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * __make_power_2: each side to the nearest multiple of 4. Tandem never goes below 4 (the reference
 * would produce a zero-size image for sides under 2 and crash).
 */
export function roundToMultipleOf4(side: number): number {
  return Math.max(SIZE_BASE, roundHalfEven(side / SIZE_BASE) * SIZE_BASE);
}

/** Throws a message naming the option to change when the combination cannot work. */
export function validatePreprocessOptions(o: PreprocessOptions): void {
  if (!PREPROCESS_MODES.includes(o.preprocess)) {
    throw new DatasetError('bad-options', `preprocess must be one of ${PREPROCESS_MODES.join(', ')}; got ${JSON.stringify(o.preprocess)}`);
  }
  for (const key of ['load_size', 'crop_size'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) {
      throw new DatasetError('bad-options', `${key} must be a positive whole number of pixels; got ${o[key]}`);
    }
  }
  if (o.preprocess !== 'none' && o.preprocess !== 'crop' && o.load_size < o.crop_size) {
    throw new DatasetError(
      'bad-options',
      `load_size (${o.load_size}) is smaller than crop_size (${o.crop_size}); images are resized to load_size before the crop, so set load_size ≥ crop_size`,
    );
  }
  for (const key of ['input_nc', 'output_nc'] as const) {
    if (o[key] !== 1 && o[key] !== 3) throw new DatasetError('bad-options', `${key} must be 1 (grayscale) or 3 (colour); got ${o[key]}`);
  }
}

/** __scale_width: width to load_size, height kept in proportion but never below crop_size. */
function scaleWidthSize(w: number, h: number, o: PreprocessOptions): { w: number; h: number } | null {
  if (w === o.load_size && h >= o.crop_size) return null;
  return { w: o.load_size, h: Math.trunc(Math.max((o.load_size * h) / w, o.crop_size)) };
}

/**
 * Draws the random choices for one image of size width×height (for side-by-side A|B files, the A
 * half's size). The reference's rules: resize_and_crop → load×load then a random crop;
 * scale_width(_and_crop) → width load, proportional height ≥ crop; none → sides rounded to ×4;
 * crop position uniform in [0, side − crop]; flip with probability ½ unless no_flip.
 */
export function sampleTransformParams(rng: Rng, width: number, height: number, opts: PreprocessOptions): TransformParams {
  const mode = opts.preprocess;
  let resize: TransformParams['resize'] = null;
  if (mode === 'resize_and_crop') {
    resize = { w: opts.load_size, h: opts.load_size };
  } else if (mode === 'scale_width' || mode === 'scale_width_and_crop') {
    resize = scaleWidthSize(width, height, opts);
  } else if (mode === 'none') {
    const w = roundToMultipleOf4(width);
    const h = roundToMultipleOf4(height);
    resize = w === width && h === height ? null : { w, h };
  }
  const newW = resize?.w ?? width;
  const newH = resize?.h ?? height;
  let crop: TransformParams['crop'] = null;
  if (mode.includes('crop')) {
    const x = rng.randint(0, Math.max(0, newW - opts.crop_size));
    const y = rng.randint(0, Math.max(0, newH - opts.crop_size));
    crop = { x, y, size: opts.crop_size };
  }
  // random.random() > 0.5, as get_params; drawn only when it matters.
  const flip = opts.no_flip ? false : rng.uniform() > 0.5;
  return { resize, crop, flip };
}

/** The output size `params` give for a width×height input. */
export function transformedSize(params: TransformParams, width: number, height: number): { width: number; height: number } {
  if (params.crop) return { width: params.crop.size, height: params.crop.size };
  if (params.resize) return { width: params.resize.w, height: params.resize.h };
  return { width, height };
}

/**
 * Resize (bicubic, in sharp), crop, flip and convert to float HWC in [-1, 1] with `channels`.
 * A crop larger than the image is padded with black (PIL's crop does the same when the image is
 * larger in one direction; when it is smaller in both the reference returns it uncropped, which
 * cannot be batched — Tandem pads instead and the health report flags such images as tiny).
 */
export async function transformRaw(
  raw: RawImage,
  params: TransformParams,
  channels: 1 | 3,
): Promise<{ data: Float32Array; width: number; height: number }> {
  const resized = params.resize ? await resizeRaw(raw, params.resize.w, params.resize.h) : raw;
  const converted = toChannels(resized, channels);
  const size = transformedSize(params, converted.width, converted.height);
  return { data: rawToFloat(converted, params.crop, params.flip), ...size };
}

/** applyTransform for a file or bytes: one decode with the resize folded into the sharp pipeline. */
export async function applyTransform(source: string | Buffer, params: TransformParams, channels: 1 | 3): Promise<Float32Array> {
  const src: ImageSource = typeof source === 'string' ? source : { bytes: source, label: '(image in memory)' };
  return (await loadTransformed(src, params, channels)).data;
}

export async function loadTransformed(
  source: ImageSource,
  params: TransformParams,
  channels: 1 | 3,
): Promise<{ data: Float32Array; width: number; height: number }> {
  const bytes = await readSourceBytes(source);
  const raw = await decodeRaw(bytes, { resize: params.resize });
  return transformRaw(raw, { ...params, resize: null }, channels);
}
