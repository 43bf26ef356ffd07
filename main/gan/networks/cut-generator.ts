import { tf } from '../tf.js';
import { BlurDownsample, BlurUpsample } from '../layers/blur-pool.js';
import { Conv2d, ConvTranspose2d } from '../layers/conv.js';
import type { ForwardContext } from '../layers/context.js';
import { type Layer, Sequential } from '../layers/layer.js';
import { convBiasFor, normFactory } from '../layers/norm.js';
import type { ParamRegistry } from '../layers/params.js';
import { ReflectionPad2d, ReLU, Tanh } from '../layers/simple.js';
import { underGradientTape } from '../layers/tape-depth.js';
import { RESNET } from './geometry.js';
import { Network } from './network.js';
import { ResnetBlock, type ResnetGeneratorSpec } from './resnet-generator.js';

/** The reference's ResNet generator spec; CUT's blocks always reflect-pad, as the official code builds them. */
export interface CutGeneratorSpec extends Omit<ResnetGeneratorSpec, 'paddingType'> {
  /** Strided convs on the way down instead of conv + blur pool (the official --no_antialias). */
  noAntialias: boolean;
  /** Transposed convs on the way up instead of blur upsampling + conv (--no_antialias_up). */
  noAntialiasUp: boolean;
}

type Part = [make: (prefix: string) => Layer, outChannels: number];

/**
 * The official CUT ResnetGenerator (networks.py:915-1004): the reference's ResNet generator with
 * anti-aliased resampling by default, so its children are numbered differently (blur pools at 7 and
 * 11, blocks at 12–20, blur upsamplings at 21 and 25 for 9 blocks). Returns the children and the
 * channel count each one outputs, which sizes PatchSampleF's MLPs.
 */
function cutResnetParts(params: ParamRegistry, spec: CutGeneratorSpec): Part[] {
  const { inputNc, outputNc, ngf, norm, useDropout, nBlocks } = spec;
  const makeNorm = normFactory(params, norm);
  const bias = convBiasFor(norm);
  const conv =
    (i: number, o: number, shape: { kernel: number; stride: number; padding: number }, b = bias) =>
    (p: string) =>
      new Conv2d(params, p, { inChannels: i, outChannels: o, ...shape, bias: b });
  const normRelu = (c: number): Part[] => [
    [(p) => makeNorm(p, c), c],
    [() => new ReLU(), c],
  ];
  const parts: Part[] = [[() => new ReflectionPad2d(RESNET.outerPad), inputNc], [conv(inputNc, ngf, RESNET.outer), ngf], ...normRelu(ngf)];
  for (let i = 0; i < RESNET.downsamplings; i++) {
    const c = ngf * 2 ** (i + 1);
    if (spec.noAntialias) {
      parts.push([conv(c / 2, c, RESNET.down), c], ...normRelu(c));
    } else {
      parts.push([conv(c / 2, c, { ...RESNET.down, stride: 1 }), c], ...normRelu(c), [(p) => new BlurDownsample(params, p, c), c]);
    }
  }
  const deep = ngf * 2 ** RESNET.downsamplings;
  for (let i = 0; i < nBlocks; i++) parts.push([(p) => new ResnetBlock(params, p, deep, norm, useDropout, 'reflect'), deep]);
  for (let i = 0; i < RESNET.downsamplings; i++) {
    const c = ngf * 2 ** (RESNET.downsamplings - i);
    const half = Math.floor(c / 2);
    if (spec.noAntialiasUp) {
      parts.push(
        [(p) => new ConvTranspose2d(params, p, { inChannels: c, outChannels: half, ...RESNET.up, bias }), half],
        ...normRelu(half),
      );
    } else {
      parts.push([(p) => new BlurUpsample(params, p, c), c], [conv(c, half, { ...RESNET.down, stride: 1 }), half], ...normRelu(half));
    }
  }
  parts.push(
    [() => new ReflectionPad2d(RESNET.outerPad), ngf],
    // The last conv always has a bias.
    [conv(ngf, outputNc, RESNET.outer, true), outputNc],
    [() => new Tanh(), outputNc],
  );
  return parts;
}

/** CUT's generator: a Network whose children's outputs can also be tapped (the encode_only pass). */
export class CutGenerator extends Network {
  private readonly model: Sequential;
  /** Output channels of each numbered child. */
  readonly channels: readonly number[];

  constructor(name: string, params: ParamRegistry, spec: CutGeneratorSpec) {
    const parts = cutResnetParts(params, spec);
    const model = new Sequential(parts.map(([make], i) => make(`model.${i}`)));
    super(name, params, model);
    this.model = model;
    this.channels = parts.map(([, c]) => c);
  }

  /**
   * The official forward(input, layers, encode_only=True): the outputs of the given children, in
   * the network's order, computed up to the last of them. Outside a gradient tape every other
   * intermediate is freed as soon as the next child has its output.
   */
  encode(x: tf.Tensor4D, layers: readonly number[], ctx: ForwardContext): tf.Tensor4D[] {
    const last = Math.max(...layers);
    if (!(last < this.model.children.length) || layers.some((l) => !Number.isInteger(l) || l < 0)) {
      throw new Error(`nce_layers must be child indices of the generator, 0 to ${this.model.children.length - 1}; got ${layers.join(',')}`);
    }
    const inference = !underGradientTape();
    const feats: tf.Tensor4D[] = [];
    let y = x;
    for (let i = 0; i <= last; i++) {
      const input = y;
      y = tf.tidy(() => this.model.children[i]!.forward(input, ctx));
      if (inference && input !== x && input !== y && !feats.includes(input)) input.dispose();
      if (layers.includes(i)) feats.push(y);
    }
    return feats;
  }
}
