import { tf } from '../tf.js';
import type { InstanceStats } from '../layers/context.js';
import { sizeMultiple, type GeneratorArch } from '../networks/define.js';
import type { Network } from '../networks/network.js';
import { translateBatch, type InferenceOptions } from './inference.js';

/** An image as plain memory: HWC, values in [-1, 1]. Large images never enter the tensor heap whole. */
export interface PlainImage {
  data: Float32Array;
  width: number;
  height: number;
  channels: number;
}

export interface TileOptions extends InferenceOptions {
  /** Tile side in pixels (rounded up to what the generator needs). */
  tile: number;
  /** Pixels shared by neighbouring tiles, blended with a smooth ramp so no seam shows. */
  overlap: number;
  /** Called after each tile, for progress. */
  onTile?: (done: number, total: number) => void;
  /**
   * The most pixels of the overview from which instance norm takes its statistics (default
   * DEFAULT_STATS_PIXELS). Larger images are scaled down to it; smaller ones are used whole.
   */
  statsPixels?: number;
}

/**
 * One megapixel: the largest image translateFolder runs in one pass, so the overview costs no more
 * memory than a whole-image translation does; images just above it get nearly their own full-size
 * statistics, and far larger ones statistics from as many pixels as memory allows, which follow
 * the full-size ones more closely than a tile-sized overview would.
 */
export const DEFAULT_STATS_PIXELS = 1024 * 1024;

/** Tile origins along one axis: evenly spread so every tile is full-size and neighbours overlap ≥ overlap. */
export function tileStarts(size: number, tile: number, overlap: number): number[] {
  if (size <= tile) return [0];
  const stride = Math.max(1, tile - overlap);
  const count = Math.ceil((size - tile) / stride) + 1;
  const step = (size - tile) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * step));
}

/**
 * Blend weight along one axis of a tile: a raised-cosine ramp over `ramp` pixels at inner edges and
 * 1 at image borders, so overlapping tiles cross-fade and the weights never vanish.
 */
function axisWeights(len: number, ramp: number, atStart: boolean, atEnd: boolean): Float32Array {
  const w = new Float32Array(len).fill(1);
  for (let i = 0; i < Math.min(ramp, len); i++) {
    const v = 0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / ramp);
    if (!atStart) w[i] = Math.min(w[i]!, v);
    if (!atEnd) w[len - 1 - i] = Math.min(w[len - 1 - i]!, v);
  }
  return w;
}

/** Runs one tile (HWC in [-1, 1]) through a generator and returns its HWC output. */
export type TileRunner = (patch: PlainImage) => Promise<Float32Array> | Float32Array;

/** A generator made ready for the tiles of one image. */
export interface PreparedTiles {
  run: TileRunner;
  /** Frees what preparing held (e.g. recorded statistics). */
  dispose?(): void;
}

/**
 * A generator that can translate tiles. Instance norm normalises each input with its own mean and
 * variance, so tiles normalised on their own drift apart in tone (visible on flat areas); an
 * engine whose generator has instance norm runs `overview()` (the whole image, scaled down to at
 * most `statsPixels`) once in `prepare` and normalises every tile with the statistics of that pass.
 * Batch norm (running statistics) and no norm need no overview.
 */
export interface TileEngine {
  /** Tiles that may be in flight at once (default 1). */
  readonly concurrency?: number;
  prepare(overview: () => PlainImage): Promise<PreparedTiles> | PreparedTiles;
}

/**
 * The image scaled down to at most `maxPixels` (aspect kept) by averaging the source area under
 * each output pixel, so no detail aliases into the statistics; images within the limit come back
 * as they are.
 */
export function overviewImage(image: PlainImage, maxPixels: number): PlainImage {
  const { width, height, channels, data } = image;
  if (width * height <= maxPixels) return image;
  const scale = Math.sqrt(maxPixels / (width * height));
  const W = Math.max(1, Math.floor(width * scale));
  const H = Math.max(1, Math.floor(height * scale));
  const cols = areaWeights(width, W);
  const rows = areaWeights(height, H);
  // Separable: source rows to W columns, then those rows to H.
  const mid = new Float32Array(height * W * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * channels;
      for (let k = cols.offset[x]!; k < cols.offset[x + 1]!; k++) {
        const i = (y * width + cols.source[k]!) * channels;
        const w = cols.weight[k]!;
        for (let c = 0; c < channels; c++) mid[o + c]! += w * data[i + c]!;
      }
    }
  }
  const out = new Float32Array(H * W * channels);
  const rowLength = W * channels;
  for (let y = 0; y < H; y++) {
    const o = y * rowLength;
    for (let k = rows.offset[y]!; k < rows.offset[y + 1]!; k++) {
      const i = rows.source[k]! * rowLength;
      const w = rows.weight[k]!;
      for (let j = 0; j < rowLength; j++) out[o + j]! += w * mid[i + j]!;
    }
  }
  return { data: out, width: W, height: H, channels };
}

/**
 * For each of `to` output cells, the source cells it covers (source[offset[i]..offset[i+1]]) and
 * the share of each (weights summing to 1).
 */
function areaWeights(from: number, to: number): { offset: Int32Array; source: Int32Array; weight: Float64Array } {
  const step = from / to;
  const offset = new Int32Array(to + 1);
  const source: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < to; i++) {
    const a = i * step;
    const b = Math.min(from, (i + 1) * step);
    for (let s = Math.floor(a); s < b; s++) {
      source.push(s);
      weight.push((Math.min(b, s + 1) - Math.max(a, s)) / step);
    }
    offset[i + 1] = source.length;
  }
  return { offset, source: Int32Array.from(source), weight: Float64Array.from(weight) };
}

/**
 * Translates an image of any size in overlapping tiles and blends them, so memory depends on the
 * tile size, not the image size. The output has the input's size. `multiple` is the side length
 * the generator needs (tiles are rounded up to it). A bare TileRunner normalises each tile on its
 * own; a TileEngine may share statistics across tiles and run several tiles at once.
 */
export async function translateInTiles(
  image: PlainImage,
  outChannels: number,
  multiple: number,
  opts: TileOptions,
  engine: TileEngine | TileRunner,
): Promise<PlainImage> {
  const { width, height, channels, data } = image;
  const tile = Math.max(multiple, Math.ceil(opts.tile / multiple) * multiple);
  const tw = Math.min(tile, width);
  const th = Math.min(tile, height);
  const overlap = Math.min(opts.overlap, Math.floor(Math.min(tw, th) / 2));
  const xs = tileStarts(width, tw, overlap);
  const ys = tileStarts(height, th, overlap);
  const origins = ys.flatMap((y0) => xs.map((x0) => [x0, y0] as const));
  const prepared: PreparedTiles =
    typeof engine === 'function'
      ? { run: engine }
      : await engine.prepare(() => overviewImage(image, opts.statsPixels ?? DEFAULT_STATS_PIXELS));
  const inFlight = typeof engine === 'function' ? 1 : Math.max(1, engine.concurrency ?? 1);
  const out = new Float32Array(width * height * outChannels);
  const weight = new Float32Array(width * height);
  const launch = (i: number): Promise<Float32Array> => {
    const [x0, y0] = origins[i]!;
    const patch = new Float32Array(tw * th * channels);
    for (let y = 0; y < th; y++) {
      const src = ((y0 + y) * width + x0) * channels;
      patch.set(data.subarray(src, src + tw * channels), y * tw * channels);
    }
    const p = Promise.resolve().then(() => prepared.run({ data: patch, width: tw, height: th, channels }));
    // Awaited below in order; until then a failure must not count as unhandled.
    p.catch(() => undefined);
    return p;
  };
  try {
    const running = origins.slice(0, inFlight).map((_, i) => launch(i));
    for (let i = 0; i < origins.length; i++) {
      const pixels = await running[i]!;
      if (i + inFlight < origins.length) running[i + inFlight] = launch(i + inFlight);
      // Blended in tile order whatever order tiles finish in, so the sums are rounded the same way.
      const [x0, y0] = origins[i]!;
      const wy = axisWeights(th, overlap, y0 === 0, y0 + th >= height);
      const wx = axisWeights(tw, overlap, x0 === 0, x0 + tw >= width);
      for (let y = 0; y < th; y++) {
        for (let x = 0; x < tw; x++) {
          const w = wy[y]! * wx[x]!;
          const p = (y0 + y) * width + (x0 + x);
          weight[p]! += w;
          const src = (y * tw + x) * outChannels;
          for (let c = 0; c < outChannels; c++) out[p * outChannels + c]! += w * pixels[src + c]!;
        }
      }
      opts.onTile?.(i + 1, origins.length);
    }
  } finally {
    prepared.dispose?.();
  }
  for (let p = 0; p < width * height; p++) {
    const w = weight[p]!;
    for (let c = 0; c < outChannels; c++) out[p * outChannels + c]! /= w;
  }
  return { data: out, width, height, channels: outChannels };
}

/** Instance-norm statistics to record once and apply to every later pass; dispose when done. */
export function newInstanceStats(mode: InstanceStats['mode'], from?: InstanceStats): InstanceStats {
  return { mode, byLayer: from?.byLayer ?? new Map() };
}

function disposeStats(stats: InstanceStats): void {
  for (const { mean, variance } of stats.byLayer.values()) tf.dispose([mean, variance]);
  stats.byLayer.clear();
}

/** A tfjs generator as a TileEngine: one HWC patch at a time, statistics shared under instance norm. */
export function tfjsTileEngine(net: Network, arch: Pick<GeneratorArch, 'netG' | 'norm'>, opts: InferenceOptions = {}): TileEngine {
  const run = async (patch: PlainImage, instanceStats?: InstanceStats): Promise<Float32Array> => {
    const y = tf.tidy(() => {
      const x = tf.tensor4d(patch.data, [1, patch.height, patch.width, patch.channels]);
      return translateBatch(net, arch.netG, x, { ...opts, ...(instanceStats ? { instanceStats } : {}) });
    });
    return (await y.data().finally(() => y.dispose())) as Float32Array;
  };
  return {
    prepare: async (overview) => {
      if (arch.norm !== 'instance') return { run: (patch) => run(patch) };
      const recorded = newInstanceStats('record');
      try {
        await run(overview(), recorded);
      } catch (e) {
        disposeStats(recorded);
        throw e;
      }
      const apply = newInstanceStats('apply', recorded);
      return { run: (patch) => run(patch, apply), dispose: () => disposeStats(apply) };
    },
  };
}

/** translateInTiles with a tfjs generator. */
export function translateTiled(
  net: Network,
  arch: Pick<GeneratorArch, 'netG' | 'norm'>,
  image: PlainImage,
  outChannels: number,
  opts: TileOptions,
): Promise<PlainImage> {
  return translateInTiles(image, outChannels, sizeMultiple(arch.netG), opts, tfjsTileEngine(net, arch, opts));
}
