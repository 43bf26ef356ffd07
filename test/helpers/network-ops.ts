// Every op the pix2pix/CycleGAN/CUT networks and losses use, for backend coverage tests: a kernel
// missing on a backend surfaces as "Kernel '...' not registered", a wrong one as a mismatch
// against the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { binomialFilter, blurDownsample, blurUpsample } from '../../main/gan/layers/blur-pool.js';
import { patchNceLoss } from '../../main/gan/losses/patch-nce.js';
import { gatherRows } from '../../main/gan/networks/patch-sample-f.js';

const w3 = () =>
  tf.tensor4d(
    Array.from({ length: 3 * 3 * 3 * 5 }, (_, i) => Math.sin(i)),
    [3, 3, 3, 5],
  );
const w4t = () =>
  tf.tensor4d(
    Array.from({ length: 4 * 4 * 5 * 3 }, (_, i) => Math.cos(i)),
    [4, 4, 5, 3],
  );
const refl = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
] as [number, number][];

/**
 * CUT's blur filter, one copy per channel of X_SHAPE: depthwise [k, k, 3, 1]. Kept for the process
 * (one per backend), as the layers' filter buffers live as long as their network: the layers'
 * gradients read it after tf.grad has disposed what its forward made.
 */
function blur(k: 3 | 4, scale: number): tf.Tensor4D {
  const key = `${tf.getBackend()} ${k}`;
  let f = blurFilters.get(key);
  if (!f) {
    f = tf.keep(
      tf.tidy(
        () =>
          tf.tile(
            tf.tensor4d(
              binomialFilter(k).map((v) => v * scale),
              [k, k, 1, 1],
            ),
            [1, 1, 3, 1],
          ) as tf.Tensor4D,
      ),
    );
    blurFilters.set(key, f);
  }
  return f;
}
const blurFilters = new Map<string, tf.Tensor4D>();

export const NETWORK_OPS: Record<string, (x: tf.Tensor4D) => tf.Tensor> = {
  conv2d: (x) => tf.conv2d(x, w3(), 1, 1),
  conv2dStride2: (x) => tf.conv2d(x, w3(), 2, 1),
  conv2dTranspose: (x) => tf.conv2dTranspose(x, w4t(), [2, 12, 12, 5], 2, 1),
  mirrorPadReflect: (x) => tf.mirrorPad(x, refl, 'reflect'),
  pad: (x) => tf.pad(x, refl),
  relu: (x) => tf.relu(x),
  leakyRelu: (x) => tf.leakyRelu(x, 0.2),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  instanceNorm: (x) => {
    const { mean, variance } = tf.moments(x, [1, 2], true);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
  },
  meanSum: (x) => tf.add(tf.mean(x, [1, 2]), tf.sum(x, [1, 2])),
  arithmetic: (x) => tf.div(tf.add(tf.mul(x, x), tf.sub(x, 1)), tf.add(tf.abs(x), 1)),
  sqrtSquare: (x) => tf.sqrt(tf.add(tf.square(x), 1)),
  concatChannels: (x) => tf.concat([x, tf.mul(x, 2)], 3),
  slice: (x) => tf.slice(x, [0, 1, 1, 0], [2, 3, 3, 2]),
  reverse: (x) => tf.reverse(x, [1, 2]),
  logExp: (x) => tf.add(tf.log(tf.add(tf.abs(x), 1)), tf.exp(tf.mul(x, 0.5))),
  softplus: (x) => tf.softplus(x),
  logSigmoid: (x) => tf.logSigmoid(x),
  log1p: (x) => tf.log1p(tf.abs(x)),
  maximum: (x) => tf.maximum(x, tf.mul(x, 0.5)),
  minimumClip: (x) => tf.add(tf.minimum(x, 0.1), tf.clipByValue(x, -0.5, 0.5)),
  sigmoidCrossEntropy: (x) => tf.losses.sigmoidCrossEntropy(tf.onesLike(x), x),
  meanSquaredError: (x) => tf.losses.meanSquaredError(tf.zerosLike(x), x),
  absoluteDifference: (x) => tf.losses.absoluteDifference(tf.zerosLike(x), x),
  squaredDifference: (x) => tf.squaredDifference(x, 1),
  resizeBilinear: (x) => tf.image.resizeBilinear(x, [12, 12]),
  // CUT's anti-aliased resampling: depthwise convs and reflect/symmetric mirror pads, half-pixel bilinear ×2.
  blurDownsample: (x) => blurDownsample(x, blur(3, 1)),
  blurUpsample: (x) => blurUpsample(x, blur(4, 4)),
  // CUT's patch sampling (a gather whose gradient scatters back) and PatchNCE (batched matmul, logsumexp).
  patchRows: (x) => gatherRows(tf.reshape(x, [72, 3]), Int32Array.from([5, 0, 71, 33, 12, 40])),
  patchNce: (x) => {
    const keys = tf.tensor2d(
      Array.from({ length: 12 * 18 }, (_, i) => Math.sin(i * 0.3)),
      [12, 18],
    );
    return patchNceLoss(tf.mul(tf.reshape(x, [12, 18]), 0.05), keys, { nceT: 0.07, batchSize: 2, allNegativesFromMinibatch: false });
  },
  tileTranspose: (x) => tf.transpose(tf.tile(x, [1, 1, 1, 2]), [0, 3, 1, 2]),
  broadcast: (x) => tf.add(x, tf.broadcastTo(tf.tensor1d([1, 2, 3]), x.shape)),
};

const X_SHAPE: [number, number, number, number] = [2, 6, 6, 3];
const X_VALUES = Float32Array.from({ length: 2 * 6 * 6 * 3 }, (_, i) => Math.sin(i * 1.7) * 2);

/**
 * Non-uniform upstream gradient: with a constant one, e.g. d(sum(normalised x))/dx is ~0 and only
 * noise is compared. Computed in JavaScript, so every backend weighs with the same numbers.
 */
function fixedWeights(shape: number[]): tf.Tensor {
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(i)),
    shape,
  );
}

/**
 * `op` and its input gradient on `backend`. Inputs are made there from plain arrays (a GPU backend
 * cannot hand its tensors to another synchronously), and values are read asynchronously.
 */
export async function opAndGradOn(backend: string, op: (x: tf.Tensor4D) => tf.Tensor): Promise<{ y: Float32Array; dx: Float32Array }> {
  const previous = tf.getBackend();
  tf.setBackend(backend);
  try {
    const [y, dx] = tf.tidy(() => {
      const x = tf.tensor4d(X_VALUES, X_SHAPE);
      return [op(x), tf.grad((v: tf.Tensor) => tf.sum(tf.mul(op(v as tf.Tensor4D), fixedWeights(op(x).shape))))(x)];
    });
    try {
      return { y: (await y!.data()) as Float32Array, dx: (await dx!.data()) as Float32Array };
    } finally {
      tf.dispose([y!, dx!]);
    }
  } finally {
    tf.setBackend(previous);
  }
}
