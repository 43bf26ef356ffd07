// Runs one official CUT/FastCUT training step (data_dependent_initialize + optimize_parameters)
// from a fixture's initial weights, inputs and recorded random draws, and compares what the
// official code recorded. Shared by the CUT and FastCUT step tests.
import { toTorchLayout } from '../../../main/gan/layers/torch-layout.js';
import { CutModel } from '../../../main/gan/models/cut-model.js';
import { resolveOptions, type CutOptions } from '../../../main/gan/models/options.js';
import type { PatchIdSource } from '../../../main/gan/networks/patch-sample-f.js';
import { tf } from '../../../main/gan/tf.js';
import { type JsonTensor, nhwc, readCutFixture, stateDictOf } from './cut-fixture.js';

interface TensorStats {
  shape: number[];
  first5: number[];
  min: number;
  max: number;
  sum: number;
  delta: { sum: number; abs_sum: number; max_abs: number; n_pos: number; n_neg: number; n_zero: number };
  grad: { sum: number; abs_sum: number; max_abs: number; first5: number[] };
}

export interface StepFixture {
  options: Record<string, unknown>;
  inputs: { A: JsonTensor; B: JsonTensor };
  init_state_dict: Record<'G' | 'D' | 'F', Record<string, JsonTensor>>;
  rng_events: Array<{
    phase: string;
    kind: string;
    sampled_here?: boolean;
    patch_ids?: number[][];
    value?: boolean;
    feat_shapes_NCHW?: number[][];
  }>;
  losses: Record<'data_dependent_initialize' | 'optimize_parameters', Record<string, number>>;
  nce_layer_losses: Array<{ phase: string; nce_layer: number; mean_unweighted: number }>;
  netD_calls: Array<{ phase: string; output: JsonTensor }>;
  outputs: { fake_B: JsonTensor; idt_B?: JsonTensor; flipped_for_equivariance_in_step: boolean | null };
  post_step_correct_autograd: Record<'G' | 'D' | 'F', Record<string, TensorStats>>;
  float64_replay_correct_autograd: { params_with_rounding_noise_gradients: string[] };
}

/** The recorded patch ids, handed out in the order the official code drew them. */
export function recordedPatchIds(fx: StepFixture): PatchIdSource & { left(): number } {
  const queue = fx.rng_events.filter((e) => e.kind === 'netF_call' && e.sampled_here).flatMap((e) => e.patch_ids!);
  return {
    draw(positions, count) {
      const ids = queue.shift();
      if (!ids) throw new Error('more patch draws than the official run made');
      if (ids.length !== count || ids.some((i) => i >= positions))
        throw new Error(`recorded ids (${ids.length}) do not fit ${count} of ${positions} positions`);
      return Int32Array.from(ids);
    },
    left: () => queue.length,
  };
}

export function recordedFlips(fx: StepFixture): (() => boolean) & { left(): number } {
  const queue = fx.rng_events.filter((e) => e.kind === 'flip').map((e) => e.value!);
  const draw = () => {
    const v = queue.shift();
    if (v === undefined) throw new Error('more flip draws than the official run made');
    return v;
  };
  return Object.assign(draw, { left: () => queue.length });
}

/** The model with the fixture's options (as Tandem names them), initial weights and recorded draws. */
export function modelFor(fx: StepFixture, initStateDict = fx.init_state_dict) {
  const o = fx.options;
  const options = resolveOptions({
    model: 'cut',
    CUT_mode: o.CUT_mode as 'CUT' | 'FastCUT',
    ngf: o.ngf as number,
    ndf: o.ndf as number,
    netF_nc: o.netF_nc as number,
    num_patches: o.num_patches as number,
    crop_size: o.crop_size as number,
    load_size: o.load_size as number,
  }) as CutOptions;
  for (const k of [
    'lambda_NCE',
    'nce_idt',
    'flip_equivariance',
    'nce_T',
    'lambda_GAN',
    'init_type',
    'lr',
    'beta1',
    'beta2',
    'gan_mode',
  ] as const) {
    if (options[k] !== o[k]) throw new Error(`option ${k}: Tandem's ${String(options[k])}, the official run's ${String(o[k])}`);
  }
  const patchIds = recordedPatchIds(fx);
  const flip = recordedFlips(fx);
  const model = new CutModel(options, { patchIds, flip });
  for (const [name, net] of model.networks()) net.loadTorchStateDict(stateDictOf(initStateDict[name as 'G' | 'D' | 'F']));
  const A = nhwc(fx.inputs.A);
  const B = nhwc(fx.inputs.B);
  model.setInput({ A, B });
  tf.dispose([A, B]);
  return { model, patchIds, flip, options };
}

/** A fixture; one made with the same seeds and nets may name another's initial weights instead of repeating them. */
export function readStepFixture(name: string): StepFixture {
  const fx = readCutFixture<StepFixture & { init_state_dict_is_that_of?: string | null }>(name);
  if (!fx.init_state_dict && fx.init_state_dict_is_that_of) {
    fx.init_state_dict = readCutFixture<StepFixture>(fx.init_state_dict_is_that_of.replace(/\.json$/, '')).init_state_dict;
  }
  return fx;
}

/** Every post-step statistic the official run recorded, and the same from the model (gradients from Adam's first moment). */
export async function postStepStats(model: CutModel): Promise<Map<string, { values: Float32Array; grad: Float32Array | null }>> {
  const out = new Map<string, { values: Float32Array; grad: Float32Array | null }>();
  for (const [netName, net] of model.networks()) {
    const opt = model.optimizers().get(netName)!;
    const state = opt.exportState();
    for (const [key, t] of await net.torchStateDict()) {
      if (key.endsWith('.filt')) continue;
      const m = state.moments.get(`${netName}.${key}`);
      let grad: Float32Array | null = null;
      if (m) {
        // After one step m = (1 − β1)·g, so the gradient is m / (1 − β1), in the reference's layout.
        const e = net.params.get(key)!;
        const torchM = toTorchLayout(e.role, m.m);
        grad = (await torchM.data()) as Float32Array;
        grad = grad.map((v) => v / (1 - opt.beta1));
        torchM.dispose();
      }
      out.set(`${netName}.${key}`, { values: t.data as Float32Array, grad });
    }
    for (const st of state.moments.values()) tf.dispose([st.m, st.v]);
  }
  return out;
}
