import { tf } from '../tf.js';
import { sizeMultiple, type NetG } from '../networks/define.js';
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
}

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

/**
 * Translates an image of any size in overlapping tiles and blends them, so memory depends on the
 * tile size, not the image size. The output has the input's size. `multiple` is the side length
 * the generator needs (tiles are rounded up to it).
 */
export async function translateInTiles(image: PlainImage, outChannels: number, multiple: number, opts: TileOptions, runTile: TileRunner): Promise<PlainImage> {
  const { width, height, channels, data } = image;
  const tile = Math.max(multiple, Math.ceil(opts.tile / multiple) * multiple);
  const tw = Math.min(tile, width);
  const th = Math.min(tile, height);
  const overlap = Math.min(opts.overlap, Math.floor(Math.min(tw, th) / 2));
  const xs = tileStarts(width, tw, overlap);
  const ys = tileStarts(height, th, overlap);
  const out = new Float32Array(width * height * outChannels);
  const weight = new Float32Array(width * height);
  const total = xs.length * ys.length;
  let done = 0;
  for (const y0 of ys) {
    for (const x0 of xs) {
      const patch = new Float32Array(tw * th * channels);
      for (let y = 0; y < th; y++) {
        const src = ((y0 + y) * width + x0) * channels;
        patch.set(data.subarray(src, src + tw * channels), y * tw * channels);
      }
      const pixels = await runTile({ data: patch, width: tw, height: th, channels });
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
      opts.onTile?.(++done, total);
    }
  }
  for (let p = 0; p < width * height; p++) {
    const w = weight[p]!;
    for (let c = 0; c < outChannels; c++) out[p * outChannels + c]! /= w;
  }
  return { data: out, width, height, channels: outChannels };
}

/** translateInTiles with a tfjs generator. */
export function translateTiled(net: Network, netG: NetG, image: PlainImage, outChannels: number, opts: TileOptions): Promise<PlainImage> {
  return translateInTiles(image, outChannels, sizeMultiple(netG), opts, (patch) =>
    tf.tidy(() => {
      const x = tf.tensor4d(patch.data, [1, patch.height, patch.width, patch.channels]);
      return translateBatch(net, netG, x, opts).dataSync() as Float32Array;
    }),
  );
}
