import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../helpers/backend.js';

function onCpu(compute: () => tf.Tensor): { values: Float32Array; shape: number[] } {
  tf.setBackend('cpu');
  try {
    return tf.tidy(() => {
      const t = compute();
      return { values: t.dataSync() as Float32Array, shape: t.shape };
    });
  } finally {
    tf.setBackend('wasm');
  }
}

describe('Mean and Sum over NHWC spatial axes on wasm match the cpu backend', () => {
  beforeAll(useWasmBackend);

  const AXES: (number | number[])[] = [[1, 2], [2, 1], [-3, -2], [0, 1, 2], [3], 1, [0, 3]];
  for (const op of ['mean', 'sum'] as const) {
    for (const axis of AXES) {
      for (const keepDims of [false, true]) {
        it(`${op} over ${JSON.stringify(axis)}, keepDims ${keepDims}`, () => {
          // 130 channels: above the count this kernel takes, so the stock fallback is checked too.
          for (const channels of [6, 130]) check(op, axis, keepDims, channels);
        });
      }
    }
  }
});

function check(op: 'mean' | 'sum', axis: number | number[], keepDims: boolean, channels: number): void {
  const x = tf.add(tf.randomNormal([3, 5, 7, channels]), 2) as tf.Tensor4D;
  const reduce = () => tf[op](x, axis, keepDims);
  const reference = onCpu(reduce);
  const before = tf.memory().numTensors;
  const actual = reduce();
  expect(actual.shape).toEqual(reference.shape);
  const a = actual.dataSync();
  for (let i = 0; i < a.length; i++) {
    expect(Math.abs(a[i]! - reference.values[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(reference.values[i]!)));
  }
  actual.dispose();
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
}
