import { BlurDownsample } from '../layers/blur-pool.js';
import type { Layer } from '../layers/layer.js';
import type { ParamRegistry } from '../layers/params.js';
import { nLayerDiscriminator, patchGanDiscriminator, type DiscriminatorSpec } from './discriminators.js';

/**
 * The official CUT NLayerDiscriminator (networks.py:1290-1337). Anti-aliased by default: each
 * stride-2 conv becomes a stride-1 conv followed by a blur pool (BlurDownsample), which gives the
 * same patch-map size. With --no_antialias it is the reference's PatchGAN.
 */
export function cutNLayerDiscriminator(params: ParamRegistry, spec: DiscriminatorSpec & { nLayers: number; noAntialias: boolean }): Layer {
  if (spec.noAntialias) return nLayerDiscriminator(params, spec);
  return patchGanDiscriminator(params, spec, { stride: 1, after: (channels) => (p) => new BlurDownsample(params, p, channels) });
}
