import { tf } from '../tf.js';
import type { ForwardContext, InstanceStats } from './context.js';
import type { Layer } from './layer.js';
import type { ParamRegistry } from './params.js';
import { firstOrderOnly } from './tape-depth.js';

/** PyTorch's default eps for BatchNorm2d and InstanceNorm2d. */
export const NORM_EPS = 1e-5;
const EPS = NORM_EPS;
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
      return tf.batchNorm4d(
        x,
        this.runningMean as tf.Tensor1D,
        this.runningVar as tf.Tensor1D,
        this.beta as tf.Tensor1D,
        this.gamma as tf.Tensor1D,
        EPS,
      );
    }
    if (!firstOrderOnly()) {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      if (ctx.updateStats) this.updateRunningStats(mean, variance, x.size / x.shape[3]);
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPS))), this.gamma), this.beta);
    }
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [input, gamma, beta] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
      const save = args[3] as tf.GradSaveFunc;
      const { xhat, rstd, value } = tf.tidy(() => {
        const { mean, variance } = tf.moments(input, [0, 1, 2]);
        if (ctx.updateStats) this.updateRunningStats(mean, variance, input.size / input.shape[3]);
        // Normalised with the biased batch variance, as PyTorch does in train mode.
        const r = tf.rsqrt(tf.add(variance, EPS));
        const h = tf.mul(tf.sub(input, mean), r) as tf.Tensor4D;
        return { xhat: h, rstd: r, value: tf.add(tf.mul(h, gamma), beta) as tf.Tensor4D };
      });
      save([xhat, rstd, gamma]);
      return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => releasing(dy, batchNormGrad(dy as tf.Tensor4D, saved)) };
    });
    return op(x, this.gamma, this.beta) as tf.Tensor4D;
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
  /** `key`: the layer's state_dict prefix, naming its statistics in an InstanceStats. */
  constructor(private readonly key = '') {}

  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    if (ctx.instanceStats) return this.shared(x, ctx.instanceStats);
    if (!firstOrderOnly()) {
      const { mean, variance } = tf.moments(x, [1, 2], true);
      return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPS)));
    }
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const input = args[0] as tf.Tensor4D;
      const save = args[1] as tf.GradSaveFunc;
      const { y, rstd } = tf.tidy(() => {
        const { mean, variance } = tf.moments(input, [1, 2], true);
        const r = tf.rsqrt(tf.add(variance, EPS));
        return { y: tf.mul(tf.sub(input, mean), r) as tf.Tensor4D, rstd: r };
      });
      save([y, rstd]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          releasing(dy, normalisedGrad(dy as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1]!, [1, 2])),
      };
    });
    return op(x) as tf.Tensor4D;
  }

  private shared(x: tf.Tensor4D, stats: InstanceStats): tf.Tensor4D {
    if (stats.mode === 'record') {
      const { mean, variance } = tf.moments(x, [1, 2], true);
      stats.byLayer.set(this.key, { mean: tf.keep(mean), variance: tf.keep(variance) });
      return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPS)));
    }
    const s = stats.byLayer.get(this.key);
    if (!s) throw new Error(`no recorded instance-norm statistics for ${this.key || 'an unnamed layer'}`);
    return tf.mul(tf.sub(x, s.mean), tf.rsqrt(tf.add(s.variance, EPS)));
  }
}

/**
 * Frees a custom op's incoming gradient once its own gradients are computed. tfjs keeps every
 * intermediate gradient until the whole backward ends; this one is never read again (all users
 * of the op's output were differentiated before it), so dropping it lowers the backward's peak.
 */
export function releasing<T>(dy: tf.Tensor, result: T): T {
  dy.dispose();
  return result;
}

/**
 * The input gradient of y = (x − mean)·rstd with mean and variance taken over `axes`:
 * dx = rstd·(dy − mean(dy) − y·mean(dy·y)). Normalisation layers are custom-gradient ops so the
 * tape keeps only y and the per-channel rstd, not the half-dozen full-size intermediates
 * (x − mean, its square, …) that differentiating the composed ops would hold until the backward.
 */
function normalisedGrad(dy: tf.Tensor4D, y: tf.Tensor4D, rstd: tf.Tensor, axes: number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const meanDy = tf.mean(dy, axes, true);
    const meanDyY = tf.mean(tf.mul(dy, y), axes, true);
    return tf.mul(tf.sub(tf.sub(dy, meanDy), tf.mul(y, meanDyY)), rstd) as tf.Tensor4D;
  });
}

/** Batch norm (train mode): the normalised gradient over N,H,W of dy·γ, plus γ's and β's gradients. */
function batchNormGrad(dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] {
  const [xhat, rstd, gamma] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
  return tf.tidy(() => {
    const dBeta = tf.sum(dy, [0, 1, 2]);
    const dGamma = tf.sum(tf.mul(dy, xhat), [0, 1, 2]);
    const dx = normalisedGrad(tf.mul(dy, gamma) as tf.Tensor4D, xhat, rstd, [0, 1, 2]);
    return [dx, dGamma, dBeta];
  });
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
      return (prefix) => new InstanceNorm2d(prefix);
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
