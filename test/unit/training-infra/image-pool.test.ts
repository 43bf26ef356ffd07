import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ImagePool } from '../../../main/gan/models/image-pool.js';
import { Rng } from '../../../main/gan/util/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A batch whose image j is filled with the id ids[j], so results can be identified. */
function batch(ids: number[]): tf.Tensor4D {
  return tf.tidy(() => tf.concat(ids.map((id) => tf.fill([1, 2, 3, 2], id))) as tf.Tensor4D);
}

function idsOf(t: tf.Tensor4D): number[] {
  const v = t.dataSync();
  const per = t.size / t.shape[0];
  return Array.from({ length: t.shape[0] }, (_, j) => v[j * per]!);
}

/** image_pool.py on plain ids, drawing from the same generator in the same order. */
function referenceQuery(pool: number[], poolSize: number, rng: Rng, ids: number[]): number[] {
  if (poolSize === 0) return ids;
  return ids.map((id) => {
    if (pool.length < poolSize) {
      pool.push(id);
      return id;
    }
    if (rng.uniform() > 0.5) {
      const k = rng.randint(0, poolSize - 1);
      const old = pool[k]!;
      pool[k] = id;
      return old;
    }
    return id;
  });
}

describe('ImagePool', () => {
  it('with pool size 0 passes images through (as a new handle the caller owns)', () => {
    const pool = new ImagePool(0, new Rng(1));
    const x = batch([1, 2]);
    const y = pool.query(x);
    expect(y).not.toBe(x);
    expect(idsOf(y)).toEqual([1, 2]);
    x.dispose();
    expect(idsOf(y)).toEqual([1, 2]);
    tf.dispose(y);
    expect(pool.size).toBe(0);
  });

  it('fills first, then swaps with probability 1/2, exactly like image_pool.py', () => {
    const poolSize = 5;
    const rngA = new Rng(123);
    const rngB = Rng.fromState(rngA.state());
    const pool = new ImagePool(poolSize, rngA);
    const mirror: number[] = [];
    let next = 1;
    let returnedOld = 0;
    for (const n of [1, 3, 2, 4, 1, 1, 4, 3, 2, 1, 1, 1, 4, 4]) {
      const ids = Array.from({ length: n }, () => next++);
      const x = batch(ids);
      const y = pool.query(x);
      x.dispose();
      const expected = referenceQuery(mirror, poolSize, rngB, ids);
      expect(idsOf(y)).toEqual(expected);
      returnedOld += expected.filter((id, j) => id !== ids[j]).length;
      y.dispose();
    }
    expect(pool.size).toBe(poolSize);
    expect(returnedOld).toBeGreaterThan(3); // the swap branch was exercised
    expect(rngA.state()).toEqual(rngB.state()); // same number and order of draws
    const stored = pool.exportState();
    expect(stored.map(idsOf).flat()).toEqual(mirror);
    tf.dispose(stored);
    pool.dispose();
  });

  it('returns the image inserted earlier in the same batch when it is swapped straight back out', () => {
    // A pool of 1 whose draws swap every time once full: batch [a, b] returns [a, a].
    const alwaysSwap = { uniform: () => 0.9, randint: () => 0 } as unknown as Rng;
    const pool = new ImagePool(1, alwaysSwap);
    const x = batch([7, 8]);
    const y = pool.query(x);
    expect(idsOf(y)).toEqual([7, 7]);
    const stored = pool.exportState();
    expect(idsOf(stored[0]!)).toEqual([8]);
    tf.dispose([x, y, ...stored]);
    pool.dispose();
  });

  it('leaks no tensors: the pool holds exactly poolSize images', () => {
    const before = tf.memory().numTensors;
    const pool = new ImagePool(4, new Rng(9));
    for (let i = 0; i < 30; i++) {
      const x = batch([i, i + 100, i + 200]);
      const y = pool.query(x);
      tf.dispose([x, y]);
      expect(tf.memory().numTensors).toBe(before + pool.size);
    }
    expect(pool.size).toBe(4);
    pool.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('exports and imports its images, continuing identically', () => {
    const rng = new Rng(77);
    const a = new ImagePool(3, rng);
    for (let i = 0; i < 4; i++) {
      const x = batch([i * 2, i * 2 + 1]);
      tf.dispose([x, a.query(x)]);
    }
    const saved = a.exportState();
    const rngState = rng.state();
    const b = new ImagePool(3, Rng.fromState(rngState));
    const first3d = tf.squeeze(saved[0]!, [0]) as tf.Tensor3D; // 3D images are accepted too
    b.importState([first3d, ...saved.slice(1)]);
    tf.dispose([first3d, ...saved]);
    for (let i = 10; i < 16; i++) {
      const x = batch([i, i + 50]);
      const ya = a.query(x);
      const yb = b.query(x);
      expect(idsOf(yb)).toEqual(idsOf(ya));
      tf.dispose([x, ya, yb]);
    }
    a.dispose();
    b.dispose();
    const two = [tf.zeros([1, 2, 2, 1]), tf.zeros([1, 2, 2, 1])] as tf.Tensor4D[];
    expect(() => new ImagePool(1, rng).importState(two)).toThrow(/size is 1/);
    const batched = tf.zeros([2, 2, 2, 1]) as tf.Tensor4D;
    expect(() => new ImagePool(3, rng).importState([batched])).toThrow(/expected \[H,W,C\] or \[1,H,W,C\]/);
    tf.dispose([...two, batched]);
  });
});
