// One official CUT/FastCUT training step (data_dependent_initialize + optimize_parameters, see
// test/fixtures/cut) on the current backend, compared with what the official code recorded. Each
// backend's test file states and justifies its own bounds.
import { expect, it } from 'vitest';
import { evalContext } from '../../../main/gan/layers/context.js';
import type { CutModel } from '../../../main/gan/models/cut-model.js';
import { tf } from '../../../main/gan/tf.js';
import { flat, nhwc } from '../../unit/cut/cut-fixture.js';
import { compareStats, type Observed } from '../../unit/cut/step-compare.js';
import { modelFor, postStepStats, readStepFixture, type StepFixture } from '../../unit/cut/step-fixture.js';
import { maxAbsDiff } from '../reference-fixtures.js';
import type { CutStepTolerance } from './tolerance.js';

/** The largest differences one step showed, against the official run (for calibrating bounds). */
export interface CutStepMeasured {
  lossRel: number;
  nceLayerRel: number;
  visual: number;
  dOutput: number;
  grad: Observed;
}

export const CUT_STEP_CASES = {
  CUT: {
    fixture: 'cut_step_small',
    title: 'CUT: the official losses, per-layer NCE, D outputs, fake_B, idt_B, gradients and post-Adam weights',
  },
  // Made with tools/make_step.py; the recorded step draws a flip (the data-dependent init does not).
  FastCUT: {
    fixture: 'fastcut_step_small',
    title: 'FastCUT (flipped step): the same, with λ_NCE 10, no identity NCE and the flip',
  },
} as const;

function expectLosses(mine: Record<string, number>, ref: Record<string, number>, names: readonly string[], bound: number): number {
  let worst = 0;
  for (const n of names) {
    const rel = Math.abs(mine[n]! - ref[n]!) / Math.abs(ref[n]!);
    worst = Math.max(worst, rel);
    expect(rel, `loss ${n}: ${mine[n]} vs ${ref[n]}`).toBeLessThan(bound);
  }
  return worst;
}

/** Per-layer NCE means (before λ) of one phase, from the weights the model has now and the phase's recorded ids. */
async function expectNceLayers(fx: StepFixture, model: CutModel, phase: string, flipped: boolean, bound: number): Promise<number> {
  const sampled = fx.rng_events.filter((e) => e.phase === phase && e.kind === 'netF_call' && e.sampled_here);
  const refs = fx.nce_layer_losses.filter((e) => e.phase === phase);
  const A = nhwc(fx.inputs.A);
  const B = nhwc(fx.inputs.B);
  const sides = [A, ...(model.options.nce_idt ? [B] : [])];
  let worst = 0;
  for (const [s, src] of sides.entries()) {
    const input = flipped ? tf.reverse(src, 2) : src;
    const tgt = model.generator('AtoB').forward(input as tf.Tensor4D, evalContext);
    const ids = sampled[s]!.patch_ids!.map((p) => Int32Array.from(p));
    const { perLayer } = model.nceLayerLosses(src, tgt, ids, flipped);
    const values = await Promise.all(perLayer.map(async (t) => (await t.data())[0]!));
    const want = refs.slice(5 * s, 5 * s + 5).map((r) => r.mean_unweighted);
    values.forEach((v, i) => {
      const rel = Math.abs(v - want[i]!) / want[i]!;
      worst = Math.max(worst, rel);
      expect(rel, `${phase} NCE side ${s} layer ${i}`).toBeLessThan(bound);
    });
    tf.dispose([tgt, ...perLayer, ...(flipped ? [input] : [])]);
  }
  tf.dispose([A, B]);
  return worst;
}

type CutMode = keyof typeof CUT_STEP_CASES;

/** Runs the fixture's step and expects it within `tolerance`; returns what it measured. */
export async function checkOfficialStep(name: string, tolerance: CutStepTolerance): Promise<CutStepMeasured> {
  const fx = readStepFixture(name);
  const { model, patchIds, flip } = modelFor(fx);
  const init = new Map<string, Float32Array>();
  for (const net of ['G', 'D', 'F'] as const) {
    for (const [k, t] of Object.entries(fx.init_state_dict[net])) init.set(`${net}.${k}`, flat(t));
  }
  const flips = fx.rng_events.filter((e) => e.kind === 'flip').map((e) => e.value!);
  const m = { lossRel: 0, nceLayerRel: 0, visual: 0, dOutput: 0 };
  const worst = (key: keyof typeof m, v: number) => (m[key] = Math.max(m[key], v));

  worst('nceLayerRel', await expectNceLayers(fx, model, 'data_dependent_initialize', flips[0] ?? false, tolerance.lossRel));
  await model.dataDependentInitialize();
  worst('lossRel', expectLosses(model.currentLosses(), fx.losses.data_dependent_initialize, model.lossNames, tolerance.lossRel));

  worst('nceLayerRel', await expectNceLayers(fx, model, 'optimize_parameters', flips[1] ?? false, tolerance.lossRel));
  // D's first calls (data-dependent init, initial weights): D(fake_B), D(real_B).
  const D = model.networks().get('D')!;
  const A = nhwc(fx.inputs.A);
  const fakeInit = model.generator('AtoB').forward(flips[0] ? (tf.reverse(A, 2) as tf.Tensor4D) : A, evalContext);
  const dBefore = D.forward(fakeInit, evalContext);
  const refBefore = nhwc(fx.netD_calls[0]!.output);
  expect(worst('dOutput', await maxAbsDiff(dBefore, refBefore)), 'D(fake_B) with the initial D').toBeLessThan(tolerance.dOutput);
  await model.optimizeParameters();
  worst('lossRel', expectLosses(model.currentLosses(), fx.losses.optimize_parameters, model.lossNames, tolerance.lossRel));
  expect(patchIds.left(), 'patch draws left').toBe(0);
  expect(flip.left(), 'flip draws left').toBe(0);

  const visuals = model.currentVisuals();
  const fakeB = nhwc(fx.outputs.fake_B);
  expect(worst('visual', await maxAbsDiff(visuals.get('fake_B')!, fakeB)), 'fake_B').toBeLessThan(tolerance.visual);
  if (fx.outputs.idt_B) {
    const idtB = nhwc(fx.outputs.idt_B);
    expect(worst('visual', await maxAbsDiff(visuals.get('idt_B')!, idtB)), 'idt_B').toBeLessThan(tolerance.visual);
    idtB.dispose();
  }
  // The G step's D(fake_B) ran against the updated D.
  const dAfter = D.forward(fakeB, evalContext);
  const refAfter = nhwc(fx.netD_calls.at(-1)!.output);
  expect(worst('dOutput', await maxAbsDiff(dAfter, refAfter)), 'D(fake_B) after the D step').toBeLessThan(tolerance.dOutput);

  const { problems, observed } = compareStats(fx, await postStepStats(model), init, tolerance.grad);
  expect(problems).toEqual([]);
  const refs = fx.post_step_correct_autograd;
  expect(observed.compared + observed.noise).toBe(Object.keys(refs.G).length + Object.keys(refs.D).length + Object.keys(refs.F).length);
  tf.dispose([A, fakeInit, dBefore, refBefore, fakeB, dAfter, refAfter]);
  model.dispose();
  return { ...m, grad: observed };
}

/** The official CUT and FastCUT steps (or those named) on the current backend (register inside a describe). */
export function cutStepParityTests(tolerance: CutStepTolerance, modes: readonly CutMode[] = ['CUT', 'FastCUT']): void {
  for (const mode of modes) {
    const c = CUT_STEP_CASES[mode];
    it(c.title, async () => {
      await checkOfficialStep(c.fixture, tolerance);
    });
  }
}
