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

/** nn.Conv2d: weight stored [kH,kW,in,out] here, OIHW in the reference. */
export class Conv2d implements Layer {
  private readonly weight: tf.Variable;
  private readonly bias: tf.Variable | null;

  constructor(
    params: ParamRegistry,
    prefix: string,
    readonly spec: ConvSpec,
  ) {
    const { inChannels: i, outChannels: o, kernel: k } = spec;
    this.weight = params.add(`${prefix}.weight`, 'conv_weight', [k, k, i, o], [o, i, k, k]);
    this.bias = spec.bias ? params.add(`${prefix}.bias`, 'bias', [o], [o]) : null;
  }

  forward(x: tf.Tensor4D, _ctx: ForwardContext): tf.Tensor4D {
    const { stride, padding } = this.spec;
    const y = tf.conv2d(x, this.weight as tf.Tensor4D, stride, padding);
    return this.bias ? tf.add(y, this.bias) : y;
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
export class ConvTranspose2d implements Layer {
  private readonly weight: tf.Variable;
  private readonly bias: tf.Variable | null;

  constructor(
    params: ParamRegistry,
    prefix: string,
    readonly spec: ConvTransposeSpec,
  ) {
    const { inChannels: i, outChannels: o, kernel: k } = spec;
    this.weight = params.add(`${prefix}.weight`, 'conv_transpose_weight', [k, k, o, i], [i, o, k, k]);
    this.bias = spec.bias ? params.add(`${prefix}.bias`, 'bias', [o], [o]) : null;
  }

  outputSize(n: number): number {
    const { stride, padding, kernel, outputPadding } = this.spec;
    return (n - 1) * stride - 2 * padding + kernel + outputPadding;
  }

  forward(x: tf.Tensor4D, _ctx: ForwardContext): tf.Tensor4D {
    const [b, h, w] = x.shape;
    const { stride, padding, outChannels } = this.spec;
    const outShape: [number, number, number, number] = [b, this.outputSize(h), this.outputSize(w), outChannels];
    const y = tf.conv2dTranspose(x, this.weight as tf.Tensor4D, outShape, stride, padding);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}
