// Rules between options that no single option's bounds can say, applied to every model's options.
import type { z } from 'zod';
import { networkSizeProblem, type NetworkSizeInput } from '../gan/networks/geometry.js';

/** Preprocess modes that train on crop_size × crop_size crops. */
const CROPPING: readonly string[] = ['resize_and_crop', 'crop', 'scale_width_and_crop'];

interface SizeOptions extends Omit<NetworkSizeInput, 'antialias'> {
  load_size: number;
  preprocess: string;
  /** CUT's: its networks resample with blur pools unless these are set. */
  no_antialias?: boolean;
  no_antialias_up?: boolean;
}

function sizeInput(o: SizeOptions): NetworkSizeInput {
  if (o.no_antialias === undefined) return o;
  return { ...o, antialias: { down: !o.no_antialias, up: !o.no_antialias_up } };
}

export function checkSizes(o: SizeOptions, ctx: z.RefinementCtx): void {
  if (o.crop_size > o.load_size && (o.preprocess === 'resize_and_crop' || o.preprocess === 'scale_width_and_crop')) {
    ctx.addIssue({
      code: 'custom',
      path: ['crop_size'],
      message: `crop_size ${o.crop_size} is larger than load_size ${o.load_size}: the crop must fit in the loaded image`,
    });
  }
  // Without a crop, the sizes come from the image files and are not known here.
  if (CROPPING.includes(o.preprocess)) {
    const problem = networkSizeProblem(sizeInput(o));
    if (problem) ctx.addIssue({ code: 'custom', path: ['crop_size'], message: problem });
  }
}
