import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../../../main/gan/models/create-model.js';
import { translateBatch } from '../../../main/gan/models/inference.js';
import type { GanModel } from '../../../main/gan/models/model.js';
import type { ModelOptionsInput } from '../../../main/gan/models/options.js';
import { tf } from '../../../main/gan/tf.js';
import { useTestBackend } from '../../helpers/backend.js';
import { trainStraightAndResumed } from '../../helpers/resume-check.js';
import { disposePairs, syntheticPairs } from '../../helpers/synthetic-batches.js';

beforeAll(useTestBackend);
const dir = mkdtempSync(path.join(tmpdir(), 'tandem-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tinyCycle: ModelOptionsInput = {
  model: 'cyclegan',
  netG: 'resnet_6blocks',
  ngf: 4,
  ndf: 4,
  pool_size: 2,
  no_dropout: false,
  seed: 7,
};
const tinyPix2pix: ModelOptionsInput = { model: 'pix2pix', netG: 'unet_128', ngf: 4, ndf: 4, seed: 3 };

async function allWeights(model: GanModel): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [n, net] of model.networks()) for (const [k, t] of await net.torchStateDict()) out.set(`${n}.${k}`, Float32Array.from(t.data));
  return out;
}

function maxWeightDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let worst = 0;
  for (const [k, x] of a) {
    const y = b.get(k)!;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  }
  return worst;
}

describe.each([
  ['cyclegan (pools, dropout)', tinyCycle, 32],
  ['cyclegan (no identity loss, no pool)', { ...tinyCycle, lambda_identity: 0, pool_size: 0 }, 32],
  ['pix2pix (batch norm, dropout)', tinyPix2pix, 128],
] as const)('%s', (_name, options, size) => {
  it('resumes exactly: N steps straight = N/2 + save + load + N/2', async () => {
    const data = syntheticPairs(4, size, 11);
    const { straight, resumed, progress } = await trainStraightAndResumed(options, data, path.join(dir, `${options.model}.ckpt`));
    expect(progress.totalIters).toBe(2);
    expect(maxWeightDiff(await allWeights(straight), await allWeights(resumed))).toBeLessThanOrEqual(1e-6);
    expect(resumed.currentLosses()).toEqual(straight.currentLosses());
    straight.dispose();
    resumed.dispose();
    disposePairs(data);
  });

  it('keeps the tensor count flat across 10 steps', async () => {
    const data = syntheticPairs(2, size, 5);
    const model = createModel(options);
    model.setInput(data[0]!);
    await model.optimizeParameters(); // the first step creates Adam moments and pool entries
    await model.optimizeParameters();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      model.setInput(data[i % 2]!);
      await model.optimizeParameters();
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    disposePairs(data);
  });
});

describe('learning', () => {
  it('a tiny pix2pix learns a colour mapping: held-out L1 at least halves', async () => {
    const train = syntheticPairs(8, 32, 1);
    const heldOut = syntheticPairs(4, 32, 2);
    const model = createModel({ model: 'pix2pix', netG: 'resnet_6blocks', norm: 'instance', ngf: 8, ndf: 8, lr: 0.002, seed: 1 });
    const heldOutL1 = () =>
      tf.tidy(() => {
        let total = 0;
        for (const p of heldOut)
          total += tf.mean(tf.abs(tf.sub(translateBatch(model.generator('AtoB'), 'resnet_6blocks', p.A), p.B))).dataSync()[0]!;
        return total / heldOut.length;
      });
    const initial = heldOutL1();
    for (let i = 0; i < 120; i++) {
      model.setInput(train[i % train.length]!);
      await model.optimizeParameters();
    }
    const final = heldOutL1();
    expect(final).toBeLessThan(initial / 2);
    model.dispose();
    disposePairs(train);
    disposePairs(heldOut);
  });

  it("a tiny CycleGAN's cycle loss falls", async () => {
    const data = syntheticPairs(6, 32, 4);
    const model = createModel({ model: 'cyclegan', netG: 'resnet_6blocks', ngf: 4, ndf: 4, lr: 0.002, seed: 2 });
    const cycleLoss = () => model.currentLosses().cycle_A! + model.currentLosses().cycle_B!;
    const early: number[] = [];
    const late: number[] = [];
    for (let i = 0; i < 40; i++) {
      const pair = data[i % data.length]!;
      // Unpaired: B comes from another scene than A.
      model.setInput({ A: pair.A, B: data[(i + 3) % data.length]!.B });
      await model.optimizeParameters();
      if (i < 5) early.push(cycleLoss());
      if (i >= 35) late.push(cycleLoss());
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(late)).toBeLessThan(mean(early) * 0.5);
    model.dispose();
    disposePairs(data);
  });
});

describe('inference', () => {
  it('translates any size, giving back the input size', () => {
    const model = createModel({ model: 'pix2pix', netG: 'unet_128', ngf: 4, ndf: 4 });
    const shape = tf.tidy(() => translateBatch(model.generator('AtoB'), 'unet_128', tf.zeros([1, 37, 150, 3])).shape);
    expect(shape).toEqual([1, 37, 150, 3]);
    model.dispose();
  });

  it('eval mode is deterministic; the reference test mode depends on the seed (dropout)', () => {
    const model = createModel({ model: 'pix2pix', netG: 'unet_128', ngf: 4, ndf: 4 });
    const g = model.generator('AtoB');
    const x = tf.randomUniform([1, 128, 128, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const diff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
    const e1 = translateBatch(g, 'unet_128', x);
    const e2 = translateBatch(g, 'unet_128', x);
    const r1 = translateBatch(g, 'unet_128', x, { mode: 'reference-test', seed: 1 });
    const r2 = translateBatch(g, 'unet_128', x, { mode: 'reference-test', seed: 2 });
    expect(diff(e1, e2)).toBe(0);
    expect(diff(r1, r2)).toBeGreaterThan(0);
    tf.dispose([x, e1, e2, r1, r2]);
    model.dispose();
  });
});
