import { tf } from '../tf.js';
import type { ForwardContext } from './context.js';
import type { Layer } from './layer.js';
import type { ParamRegistry } from './params.js';

const EPS = 1e-5;
const MOMENTUM = 0.1;

/** nn.BatchNorm2d(affine=True, track_running_stats=True), eps 1e-5, momentum 0.1. */
export class BatchNorm2d implements Layer {
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;
  private readonly runningMean: tf.Variable;
  private readonly runningVar: tf.Variable;
  private readonly batchesTracked: tf.Variable;

  constructor(params: ParamRegistry, prefix: string, channels: number) {
    this.gamma = params.add(`${prefix}.weight`, 'norm_weight', [channels], [channels]);
    this.beta = params.add(`${prefix}.bias`, 'norm_bias', [channels], [channels]);
    this.runningMean = params.add(`${prefix}.running_mean`, 'running_mean', [channels], [channels]);
    this.runningVar = params.add(`${prefix}.running_var`, 'running_var', [channels], [channels]);
    this.batchesTracked = params.add(`${prefix}.num_batches_tracked`, 'num_batches_tracked', [], []);
  }

  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    if (!ctx.batchStats) {
      return tf.batchNorm4d(x, this.runningMean as tf.Tensor1D, this.runningVar as tf.Tensor1D, this.beta as tf.Tensor1D, this.gamma as tf.Tensor1D, EPS);
    }
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    if (ctx.updateStats) this.updateRunningStats(mean, variance, x.size / x.shape[3]);
    // Normalised with the biased batch variance, as PyTorch does in train mode.
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPS))), this.gamma), this.beta);
  }

  private updateRunningStats(mean: tf.Tensor, variance: tf.Tensor, n: number): void {
    if (n < 2) {
      throw new Error('batch norm in training needs more than one value per channel (use a larger crop or batch)');
    }
    tf.tidy(() => {
      // PyTorch stores the unbiased variance in running_var.
      const unbiased = tf.mul(variance, n / (n - 1));
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - MOMENTUM), tf.mul(mean, MOMENTUM)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - MOMENTUM), tf.mul(unbiased, MOMENTUM)));
      this.batchesTracked.assign(tf.add(this.batchesTracked, tf.scalar(1, 'int32')));
    });
  }
}

/** nn.InstanceNorm2d(affine=False, track_running_stats=False): no parameters, same in train and eval. */
export class InstanceNorm2d implements Layer {
  forward(x: tf.Tensor4D, _ctx: ForwardContext): tf.Tensor4D {
    const { mean, variance } = tf.moments(x, [1, 2], true);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPS)));
  }
}

export class Identity implements Layer {
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return x;
  }
}

export type NormType = 'batch' | 'instance' | 'none';

/** The reference's get_norm_layer(): returns a factory taking (key prefix, channels). */
export function normFactory(params: ParamRegistry, norm: NormType): (prefix: string, channels: number) => Layer {
  switch (norm) {
    case 'batch':
      return (prefix, channels) => new BatchNorm2d(params, prefix, channels);
    case 'instance':
      return () => new InstanceNorm2d();
    case 'none':
      return () => new Identity();
  }
}

/**
 * The reference gives convs a bias only when the norm is instance norm. With norm 'none' its check
 * (`norm_layer == nn.InstanceNorm2d`) is also false, so those convs have no bias either.
 */
export function convBiasFor(norm: NormType): boolean {
  return norm === 'instance';
}
