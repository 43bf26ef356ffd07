import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../helpers/backend.js';
import { REFLECT_PAD_GRAD } from '../../../main/gan/backend/kernels/reflect-pad-grad.js';
import { reflectPad2d } from '../../../main/gan/layers/reflect-pad.js';
import { maxRelDiff } from '../../helpers/max-rel-diff.js';

/** On cpu the gradient is composed from slices/reverses; on wasm it is Tandem's one-pass kernel. */
function onBackend(backend: string, x: tf.Tensor4D, pad: number, dyWeights: tf.Tensor4D): { y: Float32Array; dx: Float32Array } {
  tf.setBackend(backend);
  try {
    return tf.tidy(() => ({
      y: reflectPad2d(x, pad).dataSync() as Float32Array,
      dx: tf
        .grad((v: tf.Tensor) => tf.sum(tf.mul(reflectPad2d(v as tf.Tensor4D, pad), dyWeights)))(x)
        .dataSync() as Float32Array,
    }));
  } finally {
    tf.setBackend('wasm');
  }
}

describe('reflection pad gradient kernel on wasm matches the cpu composition', () => {
  beforeAll(useWasmBackend);

  it('is registered on wasm and not on cpu', () => {
    expect(tf.getKernel(REFLECT_PAD_GRAD, 'wasm')).toBeDefined();
    expect(tf.getKernel(REFLECT_PAD_GRAD, 'cpu')).toBeUndefined();
  });

  for (const [shape, pad] of [
    [[2, 5, 7, 3], 1],
    [[1, 9, 8, 4], 3],
    [[3, 4, 4, 40], 2],
    [[1, 2, 3, 1], 1],
  ] as Array<[[number, number, number, number], number]>) {
    it(`x ${shape.join('×')}, pad ${pad}`, () => {
      const x = tf.randomNormal(shape) as tf.Tensor4D;
      const [n, h, w, c] = shape;
      const dyWeights = tf.randomNormal([n, h + 2 * pad, w + 2 * pad, c]) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      const wasm = onBackend('wasm', x, pad, dyWeights);
      expect(tf.memory().numTensors).toBe(before);
      const cpu = onBackend('cpu', x, pad, dyWeights);
      expect(maxRelDiff(wasm.y, cpu.y)).toBeLessThan(1e-6);
      expect(maxRelDiff(wasm.dx, cpu.dx)).toBeLessThan(1e-5);
      tf.dispose([x, dyWeights]);
    });
  }
});
