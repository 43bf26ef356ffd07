import { BlurDownsample } from '../layers/blur-pool.js';
import { Conv2d } from '../layers/conv.js';
import { type Layer, sequential } from '../layers/layer.js';
import { convBiasFor, normFactory } from '../layers/norm.js';
import type { ParamRegistry } from '../layers/params.js';
import { LeakyReLU } from '../layers/simple.js';
import { nLayerDiscriminator, type DiscriminatorSpec } from './discriminators.js';
import { PATCHGAN } from './geometry.js';

/**
 * The official CUT NLayerDiscriminator (networks.py:1290-1337). Anti-aliased by default: each
 * stride-2 conv becomes a stride-1 conv followed by a blur pool (BlurDownsample), which gives the
 * same patch-map size. With --no_antialias it is the reference's PatchGAN.
 */
export function cutNLayerDiscriminator(params: ParamRegistry, spec: DiscriminatorSpec & { nLayers: number; noAntialias: boolean }): Layer {
  if (spec.noAntialias) return nLayerDiscriminator(params, spec);
  const { inputNc, ndf, norm, nLayers } = spec;
  const makeNorm = normFactory(params, norm);
  const bias = convBiasFor(norm);
  const conv = (inC: number, outC: number, b: boolean) => (p: string) =>
    new Conv2d(params, p, { inChannels: inC, outChannels: outC, kernel: PATCHGAN.kernel, stride: 1, padding: PATCHGAN.padding, bias: b });
  const f: Array<(p: string) => Layer> = [conv(inputNc, ndf, true), () => new LeakyReLU(0.2), (p) => new BlurDownsample(params, p, ndf)];
  let mult = 1;
  for (let n = 1; n < nLayers; n++) {
    const prev = mult;
    mult = Math.min(2 ** n, 8);
    const out = ndf * mult;
    f.push(
      conv(ndf * prev, out, bias),
      (p) => makeNorm(p, out),
      () => new LeakyReLU(0.2),
      (p) => new BlurDownsample(params, p, out),
    );
  }
  const prev = mult;
  mult = Math.min(2 ** nLayers, 8);
  const out = ndf * mult;
  f.push(
    conv(ndf * prev, out, bias),
    (p) => makeNorm(p, out),
    () => new LeakyReLU(0.2),
  );
  f.push(conv(out, 1, true));
  return sequential('model', f);
}
