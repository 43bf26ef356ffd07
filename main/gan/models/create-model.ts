import { CutModel } from './cut-model.js';
import { CycleGanModel } from './cyclegan-model.js';
import type { GanModel } from './model.js';
import { resolveOptions, type ModelOptionsInput } from './options.js';
import { Pix2PixModel } from './pix2pix-model.js';

/** Builds a model from (partial) options with the reference's defaults for that model. */
export function createModel(input: ModelOptionsInput): GanModel {
  const options = resolveOptions(input);
  if (options.model === 'cut') return new CutModel(options);
  return options.model === 'pix2pix' ? new Pix2PixModel(options) : new CycleGanModel(options);
}
