import { beforeAll, describe, expect, it } from 'vitest';
import { patchNceLoss } from '../../../main/gan/losses/patch-nce.js';
import { PatchSampleF } from '../../../main/gan/networks/patch-sample-f.js';
import { tf } from '../../../main/gan/tf.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

/** PatchNCELoss as the official code computes it, in plain numbers (rows grouped per image unless all negatives). */
function officialNce(q: number[][], k: number[][], batch: number, all: boolean, T: number): number[] {
  const groups = all ? 1 : batch;
  const per = q.length / groups;
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  return q.map((qi, r) => {
    const g = Math.floor(r / per);
    const logits = [dot(qi, k[r]!)];
    for (let j = 0; j < per; j++) logits.push(j === r % per ? -10 : dot(qi, k[g * per + j]!));
    const scaled = logits.map((l) => l / T);
    const m = Math.max(...scaled);
    return Math.log(scaled.reduce((s, v) => s + Math.exp(v - m), 0)) + m - scaled[0]!;
  });
}

const rows = (n: number, d: number, seed: number) =>
  Array.from({ length: n }, (_, i) => {
    const v = Array.from({ length: d }, (_, j) => Math.sin(seed * 13.1 + i * 7.3 + j * 1.7));
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });

describe('PatchNCE', () => {
  for (const all of [false, true]) {
    it(`masks each image's own positive out of its negatives (batch 2, all negatives from the minibatch: ${all})`, async () => {
      const q = rows(6, 4, 1);
      const k = rows(6, 4, 2);
      const loss = patchNceLoss(tf.tensor2d(q), tf.tensor2d(k), { nceT: 0.07, batchSize: 2, allNegativesFromMinibatch: all });
      const want = officialNce(q, k, 2, all, 0.07);
      // Logits reach 1/T ≈ 14 and the loss is their logsumexp minus the first: float32 leaves ~1e-5.
      expect(Math.max(...Array.from(await loss.data()).map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(5e-5);
      loss.dispose();
    });
  }
});

describe('PatchSampleF', () => {
  it('gathers the same positions of every image of a batch, image-major, and its gradient lands on those positions', async () => {
    const f = new PatchSampleF('F', [2], 3);
    const feat = tf.tensor4d(
      Array.from({ length: 2 * 3 * 3 * 2 }, (_, i) => i / 10),
      [2, 3, 3, 2],
    );
    const ids = [Int32Array.from([4, 0])];
    const g = tf.grad((x: tf.Tensor) => {
      const { pooled } = f.sample([x as tf.Tensor4D], 2, ids);
      return tf.sum(pooled[0]!);
    })(feat);
    const grad = (await g.data()) as Float32Array;
    // Rows touched: image 0 positions 4 and 0, image 1 positions 4 and 0; every other position gets 0.
    const touched = new Set([0, 4, 9 + 0, 9 + 4]);
    for (let p = 0; p < 18; p++) {
      const row = [grad[2 * p]!, grad[2 * p + 1]!];
      if (!touched.has(p)) expect(row).toEqual([0, 0]);
    }
    tf.dispose([feat, g]);
    f.dispose();
  });

  it('gives a finite gradient where a patch projects to zero (torch: NaN, which ends training)', async () => {
    const f = new PatchSampleF('F', [2], 2);
    // Zero MLP weights: every projection is exactly zero.
    const feat = tf.ones([1, 2, 2, 2]) as tf.Tensor4D;
    const w = f.trainable();
    const { grads } = tf.variableGrads(
      () => tf.sum(f.sample([feat], 4, [Int32Array.from([0, 1, 2, 3])]).pooled[0]!) as tf.Scalar,
      [...w.values()],
    );
    for (const t of Object.values(grads)) expect((await tf.all(tf.isFinite(t)).data())[0]).toBe(1);
    tf.dispose([feat, ...Object.values(grads)]);
    f.dispose();
  });
});
