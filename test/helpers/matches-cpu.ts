// Kernel tests hold Tandem's kernels (wasm, webgpu) to tfjs's cpu backend (the plain reference
// implementation). Reads are asynchronous: a GPU backend cannot read synchronously.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { maxRelDiff } from './max-rel-diff.js';

/** Runs `compute` on the cpu backend (then back to the current one) and returns its values. */
export function onCpu(compute: () => tf.Tensor): Float32Array {
  const current = tf.getBackend();
  tf.setBackend('cpu');
  try {
    return tf.tidy(() => compute().dataSync() as Float32Array);
  } finally {
    tf.setBackend(current);
  }
}

/** max |a - b| / max |b| of a tensor against reference values of the same length. */
export async function relativeError(actual: tf.Tensor, reference: Float32Array): Promise<number> {
  const a = (await actual.data()) as Float32Array;
  expect(a.length).toBe(reference.length);
  return maxRelDiff(a, reference);
}

/** `compute` on the current backend matches the cpu backend within `tolerance` (relative) and leaves no tensor behind. */
export async function expectMatchesCpu(compute: () => tf.Tensor, tolerance = 1e-4): Promise<void> {
  const reference = onCpu(compute);
  const before = tf.memory().numTensors;
  const actual = compute();
  expect(await relativeError(actual, reference)).toBeLessThan(tolerance);
  actual.dispose();
  expect(tf.memory().numTensors).toBe(before);
}
