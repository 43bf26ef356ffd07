// The anti-aliased resampling of CUT's networks (Zhang, "Making convolutional networks
// shift-invariant again"): a stride-2 blur instead of a strided conv on the way down, and a blurred
// ×2 upsampling instead of a transposed conv on the way up. Their filters are state-dict buffers
// (`model.7.filt`, …): loaded and saved with the weights, never trained.
import { tf } from '../tf.js';
import type { Layer } from './layer.js';
import type { ParamRegistry } from './params.js';
import { reflectPadAdjoint } from './reflect-pad.js';

/** The official get_filter(): the outer product of a binomial row with itself, normalised to sum 1. */
export function binomialFilter(size: 3 | 4): Float32Array {
  const row = size === 3 ? [1, 2, 1] : [1, 3, 3, 1];
  const total = row.reduce((a, b) => a + b, 0) ** 2;
  const out = new Float32Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) out[i * size + j] = (row[i]! * row[j]!) / total;
  return out;
}

/** Registers `<prefix>.filt` as one copy of `filter` per channel (torch [C,1,k,k]), set to its value. */
function registerFilter(params: ParamRegistry, prefix: string, channels: number, filter: Float32Array, size: number): tf.Variable {
  const v = params.add(`${prefix}.filt`, 'blur_filter', [size, size, channels, 1], [channels, 1, size, size]);
  const value = tf.tidy(() => tf.tile(tf.tensor4d(filter, [size, size, 1, 1]), [1, 1, channels, 1]));
  v.assign(value);
  value.dispose();
  return v;
}

/**
 * ReflectionPad2d(1), then a depthwise stride-2 correlation with no padding, as one op. Its input
 * gradient is computed with forward depthwise convolutions (tfjs-backend-wasm has no
 * DepthwiseConv2dNativeBackpropInput): dy is spread onto the stride-2 grid with zeros between,
 * padded by k−1 and correlated with the flipped filter, then the reflected border is folded back.
 */
function reflectBlurStride2(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor4D;
    const [, h, w] = input.shape;
    const k = filter.shape[0];
    const value = tf.tidy(() =>
      tf.depthwiseConv2d(
        tf.mirrorPad(
          input,
          [
            [0, 0],
            [1, 1],
            [1, 1],
            [0, 0],
          ],
          'reflect',
        ),
        filter,
        2,
        'valid',
      ),
    );
    const gradFunc = (dy: tf.Tensor) =>
      tf.tidy(() => {
        const [, oh, ow] = dy.shape as [number, number, number, number];
        const zerosBetween = (t: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D => {
          const shape = [...t.shape] as [number, number, number, number];
          shape[axis] *= 2;
          return tf.reshape(tf.stack([t, tf.zerosLike(t)], axis + 1), shape);
        };
        const spread = zerosBetween(zerosBetween(dy as tf.Tensor4D, 1), 2);
        const padded = tf.pad(spread, [
          [0, 0],
          [k - 1, h + 2 - 2 * oh],
          [k - 1, w + 2 - 2 * ow],
          [0, 0],
        ]);
        const dPadded = tf.depthwiseConv2d(padded, tf.reverse(filter, [0, 1]) as tf.Tensor4D, 1, 'valid');
        return reflectPadAdjoint(dPadded, 1, h, w);
      });
    return { value, gradFunc };
  });
  return op(x) as tf.Tensor4D;
}

/** Downsample's forward with its `filt` buffer (NHWC): what BlurDownsample and exact tiles (stage-runner-tfjs.ts) run. */
export function blurDownsample(x: tf.Tensor4D, filt: tf.Tensor4D): tf.Tensor4D {
  if (x.shape[1] < 2 || x.shape[2] < 2) {
    throw new Error(`blur-pool downsampling needs an input of at least 2×2; got ${x.shape[1]}×${x.shape[2]}`);
  }
  return reflectBlurStride2(x, filt);
}

/** Upsample's forward with its `filt` buffer (×4, see BlurUpsample), which only its gradient reads. */
export function blurUpsample(x: tf.Tensor4D, filt: tf.Tensor4D): tf.Tensor4D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor4D;
    const [, h, w] = input.shape;
    const value = tf.image.resizeBilinear(input, [2 * h, 2 * w], false, true);
    // Symmetric mirror padding by 1 repeats the edge row and column.
    const gradFunc = (dy: tf.Tensor) =>
      tf.tidy(() =>
        tf.depthwiseConv2d(
          tf.mirrorPad(
            dy as tf.Tensor4D,
            [
              [0, 0],
              [1, 1],
              [1, 1],
              [0, 0],
            ],
            'symmetric',
          ),
          filt,
          2,
          'valid',
        ),
      );
    return { value, gradFunc };
  });
  return op(x) as tf.Tensor4D;
}

/** The official Downsample (filt_size 3, reflect): ReflectionPad2d(1), then the [1,2,1]ᵀ[1,2,1]/16 blur at stride 2. */
export class BlurDownsample implements Layer {
  private readonly filt: tf.Variable;

  constructor(params: ParamRegistry, prefix: string, channels: number) {
    this.filt = registerFilter(params, prefix, channels, binomialFilter(3), 3);
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return blurDownsample(x, this.filt as tf.Tensor4D);
  }
}

/**
 * The official Upsample (filt_size 4, replicate): ReplicationPad2d(1), a transposed depthwise conv
 * with its filter [1,3,3,1]ᵀ[1,3,3,1]/16 at stride 2, then a crop. That is exactly bilinear ×2 with
 * half-pixel centres and clamped edges (y[2i] = ¼x[i−1] + ¾x[i], y[2i+1] = ¾x[i] + ¼x[i+1]):
 * tfjs's resizeBilinear, one fast op. Its gradient is our own, since tfjs's ResizeBilinearGrad
 * ignores halfPixelCenters (on wasm, cpu and webgpu alike): the adjoint is the same filter as a stride-2
 * correlation over dy with its edges repeated (dx[i] = ¼dy[2i−1] + ¾dy[2i] + ¾dy[2i+1] + ¼dy[2i+2]).
 */
export class BlurUpsample implements Layer {
  private readonly filt: tf.Variable;

  constructor(params: ParamRegistry, prefix: string, channels: number) {
    const filter = binomialFilter(4).map((v) => v * 4);
    this.filt = registerFilter(params, prefix, channels, filter, 4);
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return blurUpsample(x, this.filt as tf.Tensor4D);
  }
}
