// The anti-aliased resampling of CUT's networks (Zhang, "Making convolutional networks
// shift-invariant again"): a stride-2 blur instead of a strided conv on the way down, and a blurred
// ×2 upsampling instead of a transposed conv on the way up. Their filters are state-dict buffers
// (`model.7.filt`, …): loaded and saved with the weights, never trained.
import { tf } from '../tf.js';
import type { Layer } from './layer.js';
import type { ParamRegistry } from './params.js';
import { reflectPad2d } from './reflect-pad.js';

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
 * A depthwise stride-2 correlation with no padding, whose input gradient is computed with forward
 * depthwise convolutions (tfjs-backend-wasm has no DepthwiseConv2dNativeBackpropInput): dy is spread
 * onto the stride-2 grid with zeros between, padded by k−1 and correlated with the flipped filter.
 */
function depthwiseStride2(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor4D;
    const [, h, w] = input.shape;
    const k = filter.shape[0];
    const value = tf.depthwiseConv2d(input, filter, 2, 'valid');
    const gradFunc = (dy: tf.Tensor) =>
      tf.tidy(() => {
        const [, oh, ow] = dy.shape as [number, number, number, number];
        const zerosBetween = (t: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D => {
          const shape = [...t.shape] as [number, number, number, number];
          shape[axis] *= 2;
          return tf.reshape(tf.stack([t, tf.zerosLike(t)], axis + 1), shape);
        };
        const spread = zerosBetween(zerosBetween(dy as tf.Tensor4D, 1), 2);
        const padded = tf.pad(spread, [[0, 0], [k - 1, h - 2 * oh], [k - 1, w - 2 * ow], [0, 0]]);
        return tf.depthwiseConv2d(padded, tf.reverse(filter, [0, 1]) as tf.Tensor4D, 1, 'valid');
      });
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
    return depthwiseStride2(reflectPad2d(x, 1), this.filt as tf.Tensor4D);
  }
}

/**
 * The adjoint of bilinear ×2 (half-pixel centres, clamped edges) along one spatial axis of dy
 * [B, 2n, …]: dx[i] = ¾(dy[2i] + dy[2i+1]) + ¼(dy[2i+2] + dy[2i−1]), where past either edge the
 * clamped sample's own partner stands in (dy[2n−1] for dy[2n], dy[0] for dy[−1]).
 */
function bilinearUp2Adjoint(dy: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D {
  const shape = dy.shape;
  const n = shape[axis] / 2;
  const split = [...shape] as number[];
  split.splice(axis, 1, n, 2);
  const pairs = tf.reshape(dy, split);
  const half = (k: 0 | 1, from: number, len: number): tf.Tensor4D => {
    const begin = [0, 0, 0, 0, 0];
    const size = [...split];
    begin[axis] = from;
    size[axis] = len;
    begin[axis + 1] = k;
    size[axis + 1] = 1;
    const out = [...split];
    out.splice(axis, 2, len);
    return tf.reshape(tf.slice(pairs, begin, size), out as [number, number, number, number]);
  };
  const even = half(0, 0, n);
  const odd = half(1, 0, n);
  const nextEven = n > 1 ? tf.concat([half(0, 1, n - 1), half(1, n - 1, 1)], axis) : odd;
  const prevOdd = n > 1 ? tf.concat([half(0, 0, 1), half(1, 0, n - 1)], axis) : even;
  return tf.add(tf.mul(tf.add(even, odd), 0.75), tf.mul(tf.add(nextEven, prevOdd), 0.25));
}

/**
 * The official Upsample (filt_size 4, replicate): ReplicationPad2d(1), a transposed depthwise conv
 * with [1,3,3,1]ᵀ[1,3,3,1]/64·4 at stride 2, then a crop. That is exactly bilinear ×2 with
 * half-pixel centres and clamped edges (y[2i] = ¼x[i−1] + ¾x[i], y[2i+1] = ¾x[i] + ¼x[i+1]): tfjs's
 * resizeBilinear, one fast op. Its gradient is our own: tfjs-backend-wasm's ResizeBilinearGrad
 * ignores halfPixelCenters (off by ~1 on unit inputs). The filter is kept only as the buffer the
 * official state dict carries: the official code builds it from constants and never trains it.
 */
export class BlurUpsample implements Layer {
  constructor(params: ParamRegistry, prefix: string, channels: number) {
    const filter = binomialFilter(4).map((v) => v * 4);
    registerFilter(params, prefix, channels, filter, 4);
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const input = args[0] as tf.Tensor4D;
      const [, h, w] = input.shape;
      const value = tf.image.resizeBilinear(input, [2 * h, 2 * w], false, true);
      const gradFunc = (dy: tf.Tensor) => tf.tidy(() => bilinearUp2Adjoint(bilinearUp2Adjoint(dy as tf.Tensor4D, 1), 2));
      return { value, gradFunc };
    });
    return op(x) as tf.Tensor4D;
  }
}
