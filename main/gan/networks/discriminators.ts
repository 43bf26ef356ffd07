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

/**
 * How a PatchGAN's downsampling layers shrink the map: the reference uses a stride-2 conv; CUT's
 * anti-aliased one a stride-1 conv whose LeakyReLU is followed by a blur pool (`after`).
 */
export interface PatchGanDownsample {
  stride: number;
  after?: (channels: number) => (p: string) => Layer;
}

const STRIDED: PatchGanDownsample = { stride: 2 };

/**
 * The NLayerDiscriminator layer stack, shared by the reference and CUT so both keep the same
 * channel schedule and parameter names (a blur pool takes a slot in `model.N` just as in CUT).
 */
export function patchGanDiscriminator(
  params: ParamRegistry,
  spec: DiscriminatorSpec & { nLayers: number },
  down: PatchGanDownsample = STRIDED,
): Layer {
  const { inputNc, ndf, norm, nLayers } = spec;
  const makeNorm = normFactory(params, norm);
  const bias = convBiasFor(norm);
  const conv = (inC: number, outC: number, stride: number, b: boolean) => (p: string) =>
    new Conv2d(params, p, { inChannels: inC, outChannels: outC, kernel: PATCHGAN.kernel, stride, padding: PATCHGAN.padding, bias: b });
  const shrink = (channels: number) => (down.after ? [down.after(channels)] : []);
  const f: Array<(p: string) => Layer> = [conv(inputNc, ndf, down.stride, true), () => new LeakyReLU(0.2), ...shrink(ndf)];
  let mult = 1;
  for (let n = 1; n < nLayers; n++) {
    const prev = mult;
    mult = Math.min(2 ** n, 8);
    const out = ndf * mult;
    f.push(
      conv(ndf * prev, out, down.stride, bias),
      (p) => makeNorm(p, out),
      () => new LeakyReLU(0.2),
      ...shrink(out),
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

/** The reference's NLayerDiscriminator (PatchGAN); n_layers 3 is the 70×70 'basic' one. */
export function nLayerDiscriminator(params: ParamRegistry, spec: DiscriminatorSpec & { nLayers: number }): Layer {
  return patchGanDiscriminator(params, spec);
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
