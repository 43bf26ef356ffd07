import { generatorGraph } from '../io/generator-graph.js';
import { cropNchw, nchwToHwc, padImageNchw } from '../io/planar.js';
import { translateInTiles, type PlainImage } from '../models/tiled-inference.js';
import { sizeMultiple } from '../networks/define.js';
import { FeatureStore } from './feature-store.js';
import type { ImagePlan } from './image-plan.js';
import type { ImageTranslator } from './image-translator.js';
import { stageProgram } from './stage-program.js';
import { translateStaged } from './staged-translate.js';

export interface TranslateImageOptions {
  /** Tile side asked for (0: chosen from memory). */
  tile: number;
  /** Overlap of approximate (overview) tiles. */
  overlap?: number;
  /** Memory the stored maps of exact tiling may take before they spill to disk. */
  budgetBytes: number;
  /** Where spilled maps go (default: the OS temp folder). */
  spillDir?: string;
  signal?: AbortSignal;
  /** Fraction (0..1) of this image done, as tiles finish (tiled paths only). */
  onProgress?: (fraction: number) => void;
}

/** What exact tiling did, for the log. */
export interface TilingReport {
  spilledBytes: number;
  peakMemoryBytes: number;
}

/**
 * Floats in any one tensor of a tile: ~64 MB on the native engine, ~32 MB inside the wasm heap
 * (tiles then cost a small share of a whole pass's memory, and are large enough that a stage's
 * halo is a small share of the work).
 */
const TILE_FLOATS = { native: 16 << 20, gpu: 16 << 20, wasm: 8 << 20 } as const;

/** Translates one image (HWC in [-1, 1]) the way its plan says; the output has the input's size. */
export async function translateImage(
  t: ImageTranslator,
  image: PlainImage,
  plan: ImagePlan,
  opts: TranslateImageOptions,
): Promise<{ data: Float32Array; tiling?: TilingReport }> {
  // A whole pass has no steps to report; the image's own completion says it.
  if (plan.path === 'whole') return { data: await t.run(image) };
  if (plan.path === 'overview-tiles') {
    const tile = opts.tile > 0 ? opts.tile : 512;
    const out = await translateInTiles(
      image,
      t.arch.outputNc,
      t.multiple,
      { tile, overlap: opts.overlap ?? Math.round(tile / 4), onTile: (done, total) => opts.onProgress?.(done / total) },
      t.tiles,
    );
    return { data: out.data };
  }
  const { arch } = t;
  const { data: planar, height: H, width: W, ph, pw } = padImageNchw(image, arch.inputNc, sizeMultiple(arch.netG));
  const stages = stageProgram(generatorGraph(arch), arch.inputNc);
  const runner = await t.stageRunner(stages);
  const store = new FeatureStore(opts.budgetBytes, opts.spillDir);
  try {
    const out = await translateStaged({ data: planar, channels: arch.inputNc, height: H, width: W }, stages, runner, {
      tile: opts.tile,
      tileFloats: TILE_FLOATS[t.memory.kind],
      store,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    const cropped = cropNchw(out.data, 1, out.channels, H, W, ph, pw, image.height, image.width);
    return {
      data: nchwToHwc(cropped, 1, out.channels, image.height, image.width)[0]!,
      tiling: { spilledBytes: store.spilledBytes, peakMemoryBytes: store.peakMemoryBytes },
    };
  } finally {
    store.dispose();
  }
}
