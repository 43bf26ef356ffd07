import { tf } from '../tf.js';
import type { ForwardContext } from './context.js';
import type { Layer } from './layer.js';
import type { ParamRegistry } from './params.js';

export interface ConvSpec {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride: number;
  /** Symmetric zero padding, as PyTorch's `padding` (TF 'same' pads asymmetrically). */
  padding: number;
  bias: boolean;
}

/**
 * The parameters both convolutions own, registered weight first then bias as the reference's
 * state_dict lists them; only the kernel's layout differs between the two.
 */
abstract class BiasedConv<S extends ConvSpec> implements Layer {
  /** The registry's variable, seen as the 4-D kernel the tf ops take. */
  protected readonly kernel: tf.Tensor4D;
  private readonly bias: tf.Variable | null;

  /** `[a, b]`: the kernel's last two tf axes, which torch stores first and reversed ([b, a, kH, kW]). */
  constructor(
    params: ParamRegistry,
    prefix: string,
    readonly spec: S,
    role: 'conv_weight' | 'conv_transpose_weight',
    [a, b]: [number, number],
  ) {
    const { kernel: k, outChannels: o } = spec;
    this.kernel = params.add(`${prefix}.weight`, role, [k, k, a, b], [b, a, k, k]) as tf.Tensor4D;
    this.bias = spec.bias ? params.add(`${prefix}.bias`, 'bias', [o], [o]) : null;
  }

  abstract forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D;

  protected addBias(y: tf.Tensor4D): tf.Tensor4D {
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

/** nn.Conv2d: weight stored [kH,kW,in,out] here, OIHW in the reference. */
export class Conv2d extends BiasedConv<ConvSpec> {
  constructor(params: ParamRegistry, prefix: string, spec: ConvSpec) {
    super(params, prefix, spec, 'conv_weight', [spec.inChannels, spec.outChannels]);
  }

  forward(x: tf.Tensor4D, _ctx: ForwardContext): tf.Tensor4D {
    const { stride, padding } = this.spec;
    return this.addBias(tf.conv2d(x, this.kernel, stride, padding));
  }
}

export interface ConvTransposeSpec extends ConvSpec {
  outputPadding: number;
}

/**
 * nn.ConvTranspose2d: weight stored [kH,kW,out,in] here, IOHW in the reference. A transposed conv is
 * the input-gradient of a conv with the same padding; output_padding only picks the larger of the
 * output sizes that conv maps back to the input size, so the explicit output shape carries it.
 */
export class ConvTranspose2d extends BiasedConv<ConvTransposeSpec> {
  constructor(params: ParamRegistry, prefix: string, spec: ConvTransposeSpec) {
    super(params, prefix, spec, 'conv_transpose_weight', [spec.outChannels, spec.inChannels]);
  }

  outputSize(n: number): number {
    const { stride, padding, kernel, outputPadding } = this.spec;
    return (n - 1) * stride - 2 * padding + kernel + outputPadding;
  }

  forward(x: tf.Tensor4D, _ctx: ForwardContext): tf.Tensor4D {
    const [b, h, w] = x.shape;
    const { stride, padding, outChannels } = this.spec;
    const outShape: [number, number, number, number] = [b, this.outputSize(h), this.outputSize(w), outChannels];
    return this.addBias(tf.conv2dTranspose(x, this.kernel, outShape, stride, padding));
  }
}
