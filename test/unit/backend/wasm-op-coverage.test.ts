import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../main/gan/backend/index.js';
import { maxRelDiff } from '../../helpers/max-rel-diff.js';

/**
 * Every op the pix2pix/CycleGAN networks use, forward and backward on wasm: a kernel missing on
 * wasm surfaces here as "Kernel '...' not registered for backend 'wasm'", a wrong one as a
 * mismatch against the cpu backend.
 */
const w3 = () => tf.tensor4d(Array.from({ length: 3 * 3 * 3 * 5 }, (_, i) => Math.sin(i)), [3, 3, 3, 5]);
const w4t = () => tf.tensor4d(Array.from({ length: 4 * 4 * 5 * 3 }, (_, i) => Math.cos(i)), [4, 4, 5, 3]);
const refl = [[0, 0], [1, 1], [1, 1], [0, 0]] as [number, number][];

const OPS: Record<string, (x: tf.Tensor4D) => tf.Tensor> = {
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
  tileTranspose: (x) => tf.transpose(tf.tile(x, [1, 1, 1, 2]), [0, 3, 1, 2]),
  broadcast: (x) => tf.add(x, tf.broadcastTo(tf.tensor1d([1, 2, 3]), x.shape)),
};

let x: tf.Tensor4D;

function gradOn(backend: string, op: (x: tf.Tensor4D) => tf.Tensor): { y: Float32Array; dx: Float32Array } {
  tf.setBackend(backend);
  return tf.tidy(() => ({
    y: op(x).dataSync() as Float32Array,
    dx: tf.grad((v: tf.Tensor) => tf.sum(tf.mul(op(v as tf.Tensor4D), fixedWeights(op(x).shape))))(x).dataSync() as Float32Array,
  }));
}

/** Non-uniform upstream gradient: with a constant one, e.g. d(sum(normalised x))/dx is ~0 and only noise is compared. */
function fixedWeights(shape: number[]): tf.Tensor {
  return tf.reshape(tf.cos(tf.range(0, shape.reduce((a, b) => a * b, 1))), shape);
}

describe('ops used by the networks run forward and backward on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    x = tf.tensor4d(Array.from({ length: 2 * 6 * 6 * 3 }, (_, i) => Math.sin(i * 1.7) * 2), [2, 6, 6, 3]);
  });

  for (const [name, op] of Object.entries(OPS)) {
    it(name, () => {
      const reference = gradOn('cpu', op);
      const actual = gradOn('wasm', op);
      expect(maxRelDiff(actual.y, reference.y)).toBeLessThan(1e-4);
      expect(maxRelDiff(actual.dx, reference.dx)).toBeLessThan(1e-4);
    });
  }

  it('randomUniform and dropout', () => {
    tf.setBackend('wasm');
    tf.tidy(() => {
      const r = tf.randomUniform([2, 6, 6, 3], -1, 1);
      expect(tf.max(tf.abs(r)).dataSync()[0]).toBeLessThanOrEqual(1);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.dropout(tf.mul(v, r), 0.5)))(x);
      expect(g.shape).toEqual(x.shape);
    });
  });
});
