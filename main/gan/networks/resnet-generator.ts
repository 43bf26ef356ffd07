import { tf } from '../tf.js';
import { Conv2d, ConvTranspose2d } from '../layers/conv.js';
import { checkpointed } from '../layers/checkpoint.js';
import type { ForwardContext } from '../layers/context.js';
import { type Layer, sequential } from '../layers/layer.js';
import { convBiasFor, normFactory, type NormType } from '../layers/norm.js';
import type { ParamRegistry } from '../layers/params.js';
import { Dropout, ReflectionPad2d, ReLU, ReplicationPad2d, Tanh } from '../layers/simple.js';
import { RESNET } from './geometry.js';

export type PaddingType = 'reflect' | 'replicate' | 'zero';

export interface ResnetGeneratorSpec {
  inputNc: number;
  outputNc: number;
  ngf: number;
  norm: NormType;
  useDropout: boolean;
  nBlocks: number;
  paddingType?: PaddingType;
}

/** x + conv_block(x), with the reference's numbering inside conv_block. */
export class ResnetBlock implements Layer {
  private readonly block: Layer;
  /** This block's trainable variables: explicit inputs of its checkpointed op (see checkpoint.ts). */
  private readonly vars: tf.Variable[];

  constructor(params: ParamRegistry, prefix: string, dim: number, norm: NormType, useDropout: boolean, padding: PaddingType) {
    const firstParam = params.all().length;
    const makeNorm = normFactory(params, norm);
    const bias = convBiasFor(norm);
    const padLayer = () => (padding === 'reflect' ? new ReflectionPad2d(RESNET.blockPad) : new ReplicationPad2d(RESNET.blockPad));
    const pad = (): ((p: string) => Layer)[] => (padding === 'zero' ? [] : [padLayer]);
    const convPadding = padding === 'zero' ? RESNET.blockPad : RESNET.block.padding;
    const conv = (p: string): Layer =>
      new Conv2d(params, p, { inChannels: dim, outChannels: dim, ...RESNET.block, padding: convPadding, bias });
    this.block = sequential(`${prefix}.conv_block`, [
      ...pad(),
      conv,
      (p) => makeNorm(p, dim),
      () => new ReLU(),
      ...(useDropout ? [() => new Dropout(0.5)] : []),
      ...pad(),
      conv,
      (p) => makeNorm(p, dim),
    ]);
    this.vars = params
      .all()
      .slice(firstParam)
      .filter((e) => e.trainable)
      .map((e) => e.variable);
  }

  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    const body = (input: tf.Tensor4D, c: ForwardContext) => tf.add(input, this.block.forward(input, c)) as tf.Tensor4D;
    return ctx.checkpoint ? checkpointed(body, x, this.vars, ctx) : body(x, ctx);
  }
}

/** The reference's ResnetGenerator (Johnson et al.): c7s1-ngf, two stride-2 downs, n blocks, two ups, c7s1-out, tanh. */
export function resnetGenerator(params: ParamRegistry, spec: ResnetGeneratorSpec): Layer {
  const { inputNc, outputNc, ngf, norm, useDropout, nBlocks } = spec;
  const padding = spec.paddingType ?? 'reflect';
  const makeNorm = normFactory(params, norm);
  const bias = convBiasFor(norm);
  const f: Array<(p: string) => Layer> = [
    () => new ReflectionPad2d(RESNET.outerPad),
    (p) => new Conv2d(params, p, { inChannels: inputNc, outChannels: ngf, ...RESNET.outer, bias }),
    (p) => makeNorm(p, ngf),
    () => new ReLU(),
  ];
  const nDown = RESNET.downsamplings;
  for (let i = 0; i < nDown; i++) {
    const mult = 2 ** i;
    f.push(
      (p) => new Conv2d(params, p, { inChannels: ngf * mult, outChannels: ngf * mult * 2, ...RESNET.down, bias }),
      (p) => makeNorm(p, ngf * mult * 2),
      () => new ReLU(),
    );
  }
  const mult = 2 ** nDown;
  for (let i = 0; i < nBlocks; i++) {
    f.push((p) => new ResnetBlock(params, p, ngf * mult, norm, useDropout, padding));
  }
  for (let i = 0; i < nDown; i++) {
    const m = 2 ** (nDown - i);
    f.push(
      (p) =>
        new ConvTranspose2d(params, p, {
          inChannels: ngf * m,
          outChannels: Math.floor((ngf * m) / 2),
          ...RESNET.up,
          bias,
        }),
      (p) => makeNorm(p, Math.floor((ngf * m) / 2)),
      () => new ReLU(),
    );
  }
  f.push(
    () => new ReflectionPad2d(RESNET.outerPad),
    // The last conv always has a bias in the reference.
    (p) => new Conv2d(params, p, { inChannels: ngf, outChannels: outputNc, ...RESNET.outer, bias: true }),
    () => new Tanh(),
  );
  return sequential('model', f);
}
