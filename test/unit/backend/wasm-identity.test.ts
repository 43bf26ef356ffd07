import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../helpers/backend.js';

/** Data ids the wasm backend holds (each one heap allocation). */
function heapTensors(): number {
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
}

describe('wasm Identity shares its input data (no copy) and keeps it alive by reference count', () => {
  beforeAll(useWasmBackend);

  it('a clone reads the same values, allocates nothing, and survives its source', () => {
    const tensorsBefore = tf.memory().numTensors;
    const heapBefore = heapTensors();
    const x = tf.tensor2d([1, -2, 3.5, 4, 5, 6], [2, 3]);
    const y = tf.clone(x);
    expect(heapTensors()).toBe(heapBefore + 1);
    expect(y.shape).toEqual([2, 3]);
    x.dispose();
    expect(heapTensors()).toBe(heapBefore + 1);
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3.5, 4, 5, 6]);
    // Ops on the survivor work and its memory is freed with it.
    const z = tf.mul(y, 2);
    expect(Array.from(z.dataSync())).toEqual([2, -4, 7, 8, 10, 12]);
    tf.dispose([y, z]);
    expect(heapTensors()).toBe(heapBefore);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('int32 and bool clones, and a clone of a clone', () => {
    const heapBefore = heapTensors();
    const tensorsBefore = tf.memory().numTensors;
    const i = tf.tensor1d([7, -8, 9], 'int32');
    const b = tf.tensor1d([true, false, true], 'bool');
    const i1 = tf.clone(i);
    const i2 = tf.clone(i1);
    const b2 = tf.clone(b);
    expect(heapTensors()).toBe(heapBefore + 2);
    tf.dispose([i, b, i1]);
    expect(i2.dtype).toBe('int32');
    expect(Array.from(i2.dataSync())).toEqual([7, -8, 9]);
    expect(b2.dtype).toBe('bool');
    expect(Array.from(b2.dataSync())).toEqual([1, 0, 1]);
    tf.dispose([i2, b2]);
    expect(heapTensors()).toBe(heapBefore);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('gradients through saved (cloned) tensors are right, and a variable keeps a clone whose source is gone', () => {
    const initial = tf.tensor1d([0.5, -1, 2]);
    const w = tf.variable(initial);
    initial.dispose(); // else it would keep w's first data alive after the assign below
    const x = tf.tensor1d([3, 4, -5]);
    const before = tf.memory().numTensors;
    const heapBefore = heapTensors();
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.square(tf.mul(x, w)), tf.scalar(0.5))) as tf.Scalar);
    // d/dw ½(xw)² = x²w
    expect(Array.from(grads[w.name]!.dataSync())).toEqual([4.5, -16, 50]);
    expect(value.dataSync()[0]).toBeCloseTo(0.5 * (2.25 + 16 + 100), 5);
    tf.dispose([value, grads[w.name]!]);
    expect(tf.memory().numTensors).toBe(before);
    expect(heapTensors()).toBe(heapBefore);
    const src = tf.tensor1d([9, 8, 7]);
    const copy = tf.clone(src);
    w.assign(copy);
    tf.dispose([copy, src]);
    expect(Array.from(w.dataSync())).toEqual([9, 8, 7]);
    expect(tf.memory().numTensors).toBe(before);
    expect(heapTensors()).toBe(heapBefore);
    tf.dispose([x, w]);
  });
});
