import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../helpers/backend.js';
import { maxRelDiff } from '../../helpers/max-rel-diff.js';
import { NETWORK_OPS, opAndGradOn } from '../../helpers/network-ops.js';

describe('ops used by the networks run forward and backward on wasm', () => {
  beforeAll(useWasmBackend);

  for (const [name, op] of Object.entries(NETWORK_OPS)) {
    it(name, async () => {
      const reference = await opAndGradOn('cpu', op);
      const actual = await opAndGradOn('wasm', op);
      expect(maxRelDiff(actual.y, reference.y)).toBeLessThan(1e-4);
      expect(maxRelDiff(actual.dx, reference.dx)).toBeLessThan(1e-4);
    });
  }

  it('randomUniform and dropout', () => {
    tf.setBackend('wasm');
    tf.tidy(() => {
      const x = tf.randomNormal([2, 6, 6, 3]);
      const r = tf.randomUniform([2, 6, 6, 3], -1, 1);
      expect(tf.max(tf.abs(r)).dataSync()[0]).toBeLessThanOrEqual(1);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.dropout(tf.mul(v, r), 0.5)))(x);
      expect(g.shape).toEqual(x.shape);
    });
  });
});
