// Kernel tests hold our wasm kernels to tfjs's cpu backend (the plain reference implementation).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { maxRelDiff } from './max-rel-diff.js';

/** Runs `compute` on the cpu backend (then back to wasm) and returns its values. */
export function onCpu(compute: () => tf.Tensor): Float32Array {
  tf.setBackend('cpu');
  try {
    return tf.tidy(() => compute().dataSync() as Float32Array);
  } finally {
    tf.setBackend('wasm');
  }
}

/** max |a - b| / max |b| of a tensor against reference values of the same length. */
export function relativeError(actual: tf.Tensor, reference: Float32Array): number {
  const a = actual.dataSync() as Float32Array;
  expect(a.length).toBe(reference.length);
  return maxRelDiff(a, reference);
}

/** `compute` on wasm matches the cpu backend within 1e-4 (relative) and leaves no tensor behind. */
export function expectMatchesCpu(compute: () => tf.Tensor): void {
  const reference = onCpu(compute);
  const before = tf.memory().numTensors;
  const actual = compute();
  expect(relativeError(actual, reference)).toBeLessThan(1e-4);
  actual.dispose();
  expect(tf.memory().numTensors).toBe(before);
}
