import type { GeneratorArch } from '../networks/define.js';
import { formatBytes, largestWholeSize, wholeImageBytes, type EngineMemory } from './memory-estimate.js';
import { minimumSide } from './network-limits.js';

/**
 * How one image is translated:
 * - 'whole': one pass over the whole image, as the reference does (exact).
 * - 'exact-tiles': ResNets too large for memory run stage by stage in tiles, with instance-norm
 *   statistics summed over the whole image (exact, see staged-translate.ts).
 * - 'overview-tiles': tiles normalised with statistics of a ≤ 1 MP overview and cross-faded
 *   (`--stats overview`; approximate, faster).
 */
export type TranslationPath = 'whole' | 'exact-tiles' | 'overview-tiles';

export interface ImagePlan {
  path: TranslationPath;
  /** One line for the log: the path and why. */
  reason: string;
  /** Estimated bytes of a whole-image pass. */
  wholeBytes: number;
}

export interface PlanOptions {
  /** Tile side forced by the user (0: tiles only when the whole image does not fit). */
  tile: number;
  stats: 'exact' | 'overview';
}

export const isUnet = (arch: Pick<GeneratorArch, 'netG'>): boolean => arch.netG.startsWith('unet');

/** Checks that hold for every image before any is read: a U-Net cannot be tiled. */
export function checkPlanOptions(arch: GeneratorArch, opts: PlanOptions): void {
  if (isUnet(arch) && opts.tile > 0) {
    throw new Error(`${arch.netG} cannot be tiled: its innermost layer sees the whole image, so every tile would differ; leave out --tile`);
  }
}

export function planImage(
  arch: GeneratorArch,
  width: number,
  height: number,
  memory: EngineMemory,
  budget: number,
  opts: PlanOptions,
): ImagePlan {
  const min = minimumSide(arch);
  if (width < min || height < min) throw new Error(`too small: ${width}×${height} px; ${arch.netG} needs at least ${min} px per side`);
  const wholeBytes = wholeImageBytes(arch, memory, width, height);
  const estimate = `est. ${formatBytes(wholeBytes)}, ${formatBytes(budget)} available`;
  const tiled = (why: string): ImagePlan =>
    opts.stats === 'overview'
      ? { path: 'overview-tiles', reason: `approximate tiles (--stats overview: statistics of a ≤ 1 MP overview), ${why}`, wholeBytes }
      : { path: 'exact-tiles', reason: `exact tiles (whole-image statistics, stage by stage), ${why}`, wholeBytes };
  if (opts.tile > 0) return tiled(`${opts.tile} px as asked`);
  if (wholeBytes <= budget) return { path: 'whole', reason: `whole image (${estimate})`, wholeBytes };
  if (isUnet(arch)) {
    const fit = largestWholeSize(arch, memory, budget, width, height);
    const side = Math.max(fit.width, fit.height);
    throw new Error(
      `too large for ${arch.netG} whole (${width}×${height}: ${estimate}), and a U-Net cannot be tiled ` +
        `(its innermost layer sees the whole image). The largest that fits is about ${fit.width}×${fit.height}: ` +
        `use --resize ${side} to scale images down to it`,
    );
  }
  return tiled(`too large to translate whole (${estimate})`);
}
