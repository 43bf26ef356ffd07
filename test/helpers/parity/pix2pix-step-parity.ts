import { expect, it } from 'vitest';
import { createModel } from '../../../main/gan/models/create-model.js';
import { tf } from '../../../main/gan/tf.js';
import { maxAbsDiff, nhwc, readParityFixture, stateDictOf } from '../reference-fixtures.js';
import type { StepTolerance } from './tolerance.js';

interface Stats {
  sum: number;
  abs_sum: number;
  min: number;
  max: number;
}

function statsOf(data: ArrayLike<number>): Stats {
  let sum = 0;
  let absSum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    sum += v;
    absSum += Math.abs(v);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { sum, abs_sum: absSum, min, max };
}

const LR = 2e-4;
const NGF = 4;
const NDF = 8;

/**
 * Tolerances, calibrated against PyTorch itself (the fixture made with 1 thread vs 8 threads):
 *
 * - D's gradients agree to ~3e-6 relative; G's only to ~1.3e-3 (torch vs torch as much as ours vs
 *   torch): loss_G reaches G's weights through batch norms over as few as 8 values (the 2×2
 *   innermost maps of a batch of 2) and through the updated D, and float32 rounding is amplified.
 * - Adam's first step moves every weight by lr·g/(|g|+eps) ≈ ±lr, so a gradient element within
 *   rounding noise of zero can land on the other side: torch with 8 threads flips ~30 of the
 *   ~200k signs that torch with 1 thread gives, always among the 0.2% smallest |g|. Each flip moves
 *   a tensor's sum and abs_sum by up to 2·lr, so those get a budget of 1 + n/1000 flips. A wrong
 *   gradient would flip about half of them; gradient magnitudes are checked by grad_stats instead.
 */
const GRAD_REL_TOL: Record<string, number> = { G: 5e-3, D: 1e-4 };

function postStepProblems(name: string, got: Stats, ref: Stats, n: number, trainable: boolean): string[] {
  const out: string[] = [];
  if (name.endsWith('num_batches_tracked')) {
    if (got.sum !== ref.sum) out.push(`num_batches_tracked ${got.sum} vs ${ref.sum}`);
    return out;
  }
  const flips = trainable ? 1 + Math.floor(n / 1000) : 0;
  const tol = 1e-5 * Math.max(ref.abs_sum, 1e-3) + 1e-6 * n + 2 * LR * flips;
  if (Math.abs(got.sum - ref.sum) > tol) out.push(`sum ${got.sum} vs ${ref.sum}`);
  if (Math.abs(got.abs_sum - ref.abs_sum) > tol) out.push(`abs_sum ${got.abs_sum} vs ${ref.abs_sum}`);
  if (Math.abs(got.min - ref.min) > 1e-6) out.push(`min ${got.min} vs ${ref.min}`);
  if (Math.abs(got.max - ref.max) > 1e-6) out.push(`max ${got.max} vs ${ref.max}`);
  return out;
}

function gradProblems(got: Stats, ref: Stats, rel: number): string[] {
  const out: string[] = [];
  const peak = Math.max(Math.abs(ref.min), Math.abs(ref.max));
  if (Math.abs(got.abs_sum - ref.abs_sum) > rel * ref.abs_sum) out.push(`abs_sum ${got.abs_sum} vs ${ref.abs_sum}`);
  if (Math.abs(got.sum - ref.sum) > rel * ref.abs_sum) out.push(`sum ${got.sum} vs ${ref.sum}`);
  if (Math.abs(got.min - ref.min) > rel * peak) out.push(`min ${got.min} vs ${ref.min}`);
  if (Math.abs(got.max - ref.max) > rel * peak) out.push(`max ${got.max} vs ${ref.max}`);
  return out;
}

/**
 * One step of the reference's Pix2PixModel (see fixtures/reference/tools/make_pix2pix_step.py):
 * U-Net 128 with batch norm, PatchGAN D on 6 channels, vanilla GAN loss, λ_L1 100, a batch of 2.
 * With batch norm no conv bias sits right before a norm (those convs have none), so unlike the
 * CycleGAN step no parameter has a noise-only gradient.
 */
export function pix2pixStepParityTest(tolerance: StepTolerance): void {
  it('gives the reference fake_B, losses, gradients, post-Adam weights and batch-norm running statistics', async () => {
    const step = readParityFixture('pix2pix_step_small');
    expect(step.meta.build, 'the fixture was built for another architecture').toContain(
      `--netG unet_128 --ngf ${NGF} --ndf ${NDF} --no_dropout`,
    );
    const model = createModel({ model: 'pix2pix', netG: 'unet_128', ngf: NGF, ndf: NDF, no_dropout: true });
    const nets = model.networks();
    nets.get('G')!.loadTorchStateDict(stateDictOf(step, 'G.'));
    nets.get('D')!.loadTorchStateDict(stateDictOf(step, 'D.'));

    const A = nhwc(step.real_A);
    const B = nhwc(step.real_B);
    expect(A.shape).toEqual([2, 128, 128, 3]);
    model.setInput({ A, B });
    await model.optimizeParameters();

    // G's forward (train mode: batch statistics).
    const expectedFake = nhwc(step.fake_B);
    expect(await maxAbsDiff(model.currentVisuals().get('fake_B')!, expectedFake), 'fake_B').toBeLessThan(tolerance.visual);
    expectedFake.dispose();

    const losses = model.currentLosses();
    for (const [name, value] of Object.entries(step.losses as Record<string, number>)) {
      expect(Math.abs(losses[name]! - value), `loss ${name}: ${losses[name]} vs ${value}`).toBeLessThan(
        tolerance.lossRel * Math.max(1, Math.abs(value)),
      );
    }

    // The gradients each optimiser stepped with. Adam's first moment after one step from zero is
    // exactly (1-β1)·g = g/2.
    const gradStats = step.grad_stats as Record<string, Stats>;
    const gradBad: string[] = [];
    const seen = new Set<string>();
    for (const [, opt] of model.optimizers()) {
      for (const [name, mv] of opt.exportState().moments) {
        const doubled = tf.mul(mv.m, 2);
        const g = await doubled.data();
        tf.dispose([doubled, mv.m, mv.v]);
        seen.add(name);
        const ref = gradStats[name];
        if (!ref) {
          gradBad.push(`${name}: has a gradient here but not in the reference`);
          continue;
        }
        const p = gradProblems(statsOf(g), ref, GRAD_REL_TOL[name.split('.')[0]!]!);
        if (p.length) gradBad.push(`${name}: ${p.join(', ')}`);
      }
    }
    for (const name of Object.keys(gradStats)) if (!seen.has(name)) gradBad.push(`${name}: no gradient here`);
    expect(gradBad, 'gradients').toEqual([]);

    // Every state_dict tensor after the step: Adam-updated weights, and the running statistics
    // (G's updated by its one forward, D's by each of its three: fake and real in the D step, fake
    // again in the G step).
    const stats = step.post_step_stats as Record<string, Stats>;
    const bad: string[] = [];
    let checked = 0;
    for (const [netName, net] of nets) {
      const trainable = net.trainable();
      for (const [key, t] of await net.torchStateDict()) {
        const name = `${netName}.${key}`;
        const ref = stats[name];
        if (!ref) {
          bad.push(`${name}: not in the reference`);
          continue;
        }
        const p = postStepProblems(name, statsOf(t.data), ref, t.data.length, trainable.has(key));
        if (p.length) bad.push(`${name}: ${p.join(', ')}`);
        checked++;
      }
    }
    expect(bad, 'post-step state').toEqual([]);
    expect(checked).toBe(Object.keys(stats).length);
    tf.dispose([A, B]);
    model.dispose();
  });
}
