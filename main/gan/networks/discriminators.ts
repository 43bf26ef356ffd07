import { Conv2d } from '../layers/conv.js';
import { type Layer, sequential } from '../layers/layer.js';
import { convBiasFor, normFactory, type NormType } from '../layers/norm.js';
import type { ParamRegistry } from '../layers/params.js';
import { LeakyReLU } from '../layers/simple.js';
import { PATCHGAN } from './geometry.js';

export interface DiscriminatorSpec {
  inputNc: number;
  ndf: number;
  norm: NormType;
}

/** The reference's NLayerDiscriminator (PatchGAN); n_layers 3 is the 70×70 'basic' one. */
export function nLayerDiscriminator(params: ParamRegistry, spec: DiscriminatorSpec & { nLayers: number }): Layer {
  const { inputNc, ndf, norm, nLayers } = spec;
  const makeNorm = normFactory(params, norm);
  const bias = convBiasFor(norm);
  const conv = (inC: number, outC: number, stride: number, b: boolean) => (p: string) =>
    new Conv2d(params, p, { inChannels: inC, outChannels: outC, kernel: PATCHGAN.kernel, stride, padding: PATCHGAN.padding, bias: b });
  const f: Array<(p: string) => Layer> = [conv(inputNc, ndf, 2, true), () => new LeakyReLU(0.2)];
  let mult = 1;
  for (let n = 1; n < nLayers; n++) {
    const prev = mult;
    mult = Math.min(2 ** n, 8);
    const out = ndf * mult;
    f.push(
      conv(ndf * prev, out, 2, bias),
      (p) => makeNorm(p, out),
      () => new LeakyReLU(0.2),
    );
  }
  const prev = mult;
  mult = Math.min(2 ** nLayers, 8);
  const out = ndf * mult;
  f.push(
    conv(ndf * prev, out, 1, bias),
    (p) => makeNorm(p, out),
    () => new LeakyReLU(0.2),
  );
  f.push(conv(out, 1, 1, true));
  return sequential('model', f);
}

/** The reference's PixelDiscriminator (1×1 PatchGAN). Its last conv follows the norm's bias rule. */
export function pixelDiscriminator(params: ParamRegistry, spec: DiscriminatorSpec): Layer {
  const { inputNc, ndf, norm } = spec;
  const makeNorm = normFactory(params, norm);
  const bias = convBiasFor(norm);
  const conv = (inC: number, outC: number, b: boolean) => (p: string) =>
    new Conv2d(params, p, { inChannels: inC, outChannels: outC, kernel: 1, stride: 1, padding: 0, bias: b });
  return sequential('net', [
    conv(inputNc, ndf, true),
    () => new LeakyReLU(0.2),
    conv(ndf, ndf * 2, bias),
    (p) => makeNorm(p, ndf * 2),
    () => new LeakyReLU(0.2),
    conv(ndf * 2, 1, bias),
  ]);
}
