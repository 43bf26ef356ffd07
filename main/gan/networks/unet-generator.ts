import { tf } from '../tf.js';
import { Conv2d, ConvTranspose2d } from '../layers/conv.js';
import type { ForwardContext } from '../layers/context.js';
import { type Layer, sequential } from '../layers/layer.js';
import { convBiasFor, normFactory, type NormType } from '../layers/norm.js';
import type { ParamRegistry } from '../layers/params.js';
import { Dropout, LeakyReLU, ReLU, Tanh } from '../layers/simple.js';
import { UNET_DOWN, UNET_UP } from './geometry.js';

export interface UnetGeneratorSpec {
  inputNc: number;
  outputNc: number;
  /** UNET_DOWNSAMPLINGS: 8 for unet_256, 7 for unet_128 (geometry.ts says which input sizes fit). */
  numDowns: number;
  ngf: number;
  norm: NormType;
  useDropout: boolean;
}

interface BlockSpec {
  outerNc: number;
  innerNc: number;
  inputNc?: number;
  outermost?: boolean;
  innermost?: boolean;
  useDropout?: boolean;
}

type BlockFactory = (prefix: string) => Layer;

/** The reference's UnetSkipConnectionBlock: down, submodule, up, and a skip concat except outermost. */
class UnetSkipBlock implements Layer {
  private readonly model: Layer;

  constructor(
    params: ParamRegistry,
    prefix: string,
    private readonly spec: BlockSpec,
    norm: NormType,
    submodule: BlockFactory | null,
  ) {
    const { outerNc, innerNc, outermost = false, innermost = false, useDropout = false } = spec;
    const inputNc = spec.inputNc ?? outerNc;
    const bias = convBiasFor(norm);
    const makeNorm = normFactory(params, norm);
    const downconv: BlockFactory = (p) => new Conv2d(params, p, { inChannels: inputNc, outChannels: innerNc, ...UNET_DOWN, bias });
    const upconv =
      (inC: number, upBias: boolean): BlockFactory =>
      (p) =>
        new ConvTranspose2d(params, p, { inChannels: inC, outChannels: outerNc, ...UNET_UP, bias: upBias });
    let parts: BlockFactory[];
    if (outermost) {
      parts = [downconv, sub(submodule), () => new ReLU(), upconv(innerNc * 2, true), () => new Tanh()];
    } else if (innermost) {
      parts = [() => new LeakyReLU(0.2), downconv, () => new ReLU(), upconv(innerNc, bias), (p) => makeNorm(p, outerNc)];
    } else {
      parts = [
        () => new LeakyReLU(0.2),
        downconv,
        (p) => makeNorm(p, innerNc),
        sub(submodule),
        () => new ReLU(),
        upconv(innerNc * 2, bias),
        (p) => makeNorm(p, outerNc),
        ...(useDropout ? [() => new Dropout(0.5)] : []),
      ];
    }
    this.model = sequential(`${prefix}.model`, parts);
  }

  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    const y = this.model.forward(x, ctx);
    return this.spec.outermost ? y : tf.concat([x, y], 3);
  }
}

function sub(factory: BlockFactory | null): BlockFactory {
  if (!factory) throw new Error('U-Net block without a submodule');
  return factory;
}

/** The reference's UnetGenerator, built from the innermost block outwards. */
export function unetGenerator(params: ParamRegistry, spec: UnetGeneratorSpec): Layer {
  const { inputNc, outputNc, numDowns, ngf, norm, useDropout } = spec;
  if (numDowns < 5) throw new Error(`a U-Net needs at least 5 downsamplings, got ${numDowns}`);
  const block =
    (s: BlockSpec, inner: BlockFactory | null): BlockFactory =>
    (p) =>
      new UnetSkipBlock(params, p, s, norm, inner);
  let unet = block({ outerNc: ngf * 8, innerNc: ngf * 8, innermost: true }, null);
  for (let i = 0; i < numDowns - 5; i++) unet = block({ outerNc: ngf * 8, innerNc: ngf * 8, useDropout }, unet);
  unet = block({ outerNc: ngf * 4, innerNc: ngf * 8 }, unet);
  unet = block({ outerNc: ngf * 2, innerNc: ngf * 4 }, unet);
  unet = block({ outerNc: ngf, innerNc: ngf * 2 }, unet);
  return block({ outerNc: outputNc, innerNc: ngf, inputNc, outermost: true }, unet)('model');
}
