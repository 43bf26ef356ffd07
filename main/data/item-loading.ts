// Reads one planned item and preprocesses it as the reference's dataset for its layout does: an
// A|B image split in two, paired files sharing one crop and flip, unaligned files transformed
// independently, or a single image standing in for both sides.
import type { Rng } from '../gan/util/rng.js';
import { ImageReadError } from './errors.js';
import { decodeRaw, readImageHeader, readSourceBytes } from './image-read.js';
import { extractRaw } from './raw-pixels.js';
import type { DatasetSource, PlannedItem } from './epoch-sampling.js';
import { loadTransformed, sampleTransformParams, transformRaw, type PreprocessOptions, type TransformParams } from './preprocess.js';

/** One item's pixels in [-1, 1], HWC; typed arrays only, so an abandoned prefetch holds no tensors. */
export interface LoadedItem {
  pathA: string;
  pathB: string;
  a: Float32Array;
  b: Float32Array;
  width: number;
  height: number;
  widthB: number;
  heightB: number;
}

/** Channel counts per folder (direction already applied: see DatasetLoader). */
export interface SideChannels {
  a: 1 | 3;
  b: 1 | 3;
}

type Side = Awaited<ReturnType<typeof loadTransformed>>;

function loadedItem(item: PlannedItem, a: Side, b: Side): LoadedItem {
  return {
    pathA: item.pathA,
    pathB: item.pathB,
    a: a.data,
    b: b.data,
    width: a.width,
    height: a.height,
    widthB: b.width,
    heightB: b.height,
  };
}

export async function loadItem(
  kind: DatasetSource['kind'],
  item: PlannedItem,
  rng: Rng,
  pre: PreprocessOptions,
  channels: SideChannels,
): Promise<LoadedItem> {
  if (kind === 'aligned') {
    const raw = await decodeRaw(item.pathA);
    // int(w / 2) as the reference; for odd widths the last column is dropped so A and B stay the
    // same size and pixel-aligned (the reference gives B the extra column and squeezes it on resize).
    const half = Math.floor(raw.width / 2);
    if (half < 1)
      throw new ImageReadError(
        item.pathA,
        'unsupported',
        `the image is ${raw.width} pixel wide; a side-by-side A|B image needs at least 2 columns`,
      );
    const params = sampleTransformParams(rng, half, raw.height, pre);
    const [a, b] = await Promise.all([
      transformRaw(extractRaw(raw, 0, 0, half, raw.height), params, channels.a),
      transformRaw(extractRaw(raw, half, 0, half, raw.height), params, channels.b),
    ]);
    return loadedItem(item, a, b);
  }
  if (kind === 'single') {
    const bytes = await readSourceBytes(item.pathA);
    const header = await readImageHeader(bytes);
    const a = await loadTransformed(bytes, sampleTransformParams(rng, header.width, header.height, pre), channels.a);
    return loadedItem(item, a, a);
  }
  const [bytesA, bytesB] = await Promise.all([readSourceBytes(item.pathA), readSourceBytes(item.pathB)]);
  const [headerA, headerB] = await Promise.all([readImageHeader(bytesA), readImageHeader(bytesB)]);
  const paramsA = sampleTransformParams(rng, headerA.width, headerA.height, pre);
  let paramsB: TransformParams;
  if (kind === 'paired') {
    // Same crop and flip for both. A B of another size is first resized to A's size, so the crop
    // window covers the same content in both.
    const sameSize = headerA.width === headerB.width && headerA.height === headerB.height;
    paramsB = { ...paramsA, resize: paramsA.resize ?? (sameSize ? null : { w: headerA.width, h: headerA.height }) };
  } else {
    // Unaligned: A and B transformed independently, as the reference's two transform pipelines.
    paramsB = sampleTransformParams(rng, headerB.width, headerB.height, pre);
  }
  const [a, b] = await Promise.all([loadTransformed(bytesA, paramsA, channels.a), loadTransformed(bytesB, paramsB, channels.b)]);
  return loadedItem(item, a, b);
}
