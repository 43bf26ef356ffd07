import { tf } from '../tf.js';
import type { CheckpointContents, CheckpointTensor } from '../checkpoint/format.js';
import { loadCheckpoint, saveCheckpoint, tensorsToCheckpoint } from '../checkpoint/store.js';
import type { TorchTensor } from '../networks/network.js';
import type { SchedulerState } from '../optim/schedulers.js';
import type { RngState } from '../util/rng.js';
import { createModel } from './create-model.js';
import type { GanModel } from './model.js';
import { modelOptionsSchema, type ModelOptions } from './options.js';

/** Where a run is: the reference's epoch and iteration counters. */
export interface TrainingProgress {
  /** The epoch in progress (1-based, as train.py counts). */
  epoch: number;
  /** Images seen within this epoch. */
  epochIter: number;
  /** Images seen since the run started (the reference's total_iters). */
  totalIters: number;
}

interface CheckpointMeta {
  kind: 'tandem-model';
  version: 1;
  options: ModelOptions;
  progress: TrainingProgress;
  scheduler: SchedulerState;
  adam: Record<string, { step: number; paramSteps: Record<string, number> }>;
  rng: Record<string, RngState>;
  pools: Record<string, number>;
  savedAt: string;
}

const NET = 'net.';
const OPTIM = 'optim.';
const POOL = 'pool.';

async function torchTensors(model: GanModel): Promise<CheckpointTensor[]> {
  const out: CheckpointTensor[] = [];
  for (const [netName, net] of model.networks()) {
    for (const [key, t] of await net.torchStateDict()) {
      out.push({
        name: `${NET}${netName}.${key}`,
        dtype: t.data instanceof Int32Array ? 'int32' : 'float32',
        shape: t.shape,
        data: t.data,
      });
    }
  }
  return out;
}

/** Everything needed to continue training exactly, or to translate, in one self-describing file. */
export async function saveModelCheckpoint(path: string, model: GanModel, progress: TrainingProgress): Promise<void> {
  const tensors = await torchTensors(model);
  const adam: CheckpointMeta['adam'] = {};
  const owned: tf.Tensor[] = [];
  try {
    for (const [optName, opt] of model.optimizers()) {
      const state = opt.exportState();
      const paramSteps: Record<string, number> = {};
      const moments = new Map<string, tf.Tensor>();
      for (const [key, st] of state.moments) {
        owned.push(st.m, st.v);
        moments.set(`${key}.m`, st.m);
        moments.set(`${key}.v`, st.v);
        paramSteps[key] = st.step;
      }
      tensors.push(...(await tensorsToCheckpoint(moments, `${OPTIM}${optName}.`)));
      adam[optName] = { step: state.step, paramSteps };
    }
    const training = model.exportTrainingState();
    const pools: Record<string, number> = {};
    for (const [poolName, images] of Object.entries(training.pools)) {
      owned.push(...images);
      pools[poolName] = images.length;
      tensors.push(...(await tensorsToCheckpoint(new Map(images.map((t, i) => [`${poolName}.${i}`, t])), POOL)));
    }
    const meta: CheckpointMeta = {
      kind: 'tandem-model',
      version: 1,
      options: model.options,
      progress,
      scheduler: model.scheduler.exportState(),
      adam,
      rng: training.rng,
      pools,
      savedAt: new Date().toISOString(),
    };
    await saveCheckpoint(path, { meta: meta as unknown as Record<string, unknown>, tensors });
  } finally {
    tf.dispose(owned);
  }
}

/** The metadata of a training checkpoint, validated; throws for any other file. */
export function parseMeta(c: CheckpointContents, path: string): CheckpointMeta {
  const m = c.meta as Partial<CheckpointMeta>;
  if (m.kind !== 'tandem-model') throw new Error(`${path} is not a Tandem model checkpoint`);
  if (m.version !== 1)
    throw new Error(`${path} was written by a newer Tandem (checkpoint version ${String(m.version)}); update Tandem to open it`);
  const options = modelOptionsSchema.safeParse(m.options);
  if (!options.success) throw new Error(`${path} carries invalid options: ${options.error.issues[0]?.message ?? 'unknown'}`);
  return { ...(m as CheckpointMeta), options: options.data };
}

function tensorsWithPrefix(c: CheckpointContents, prefix: string): Map<string, CheckpointTensor> {
  const out = new Map<string, CheckpointTensor>();
  for (const t of c.tensors) if (t.name.startsWith(prefix)) out.set(t.name.slice(prefix.length), t);
  return out;
}

function stateDictFor(c: CheckpointContents, netName: string): Map<string, TorchTensor> {
  const out = new Map<string, TorchTensor>();
  for (const [k, t] of tensorsWithPrefix(c, `${NET}${netName}.`)) out.set(k, { shape: t.shape, data: t.data });
  return out;
}

export interface LoadedModel {
  model: GanModel;
  progress: TrainingProgress;
  options: ModelOptions;
}

/** Rebuilds the model from the options the checkpoint carries, then restores every state. */
export async function loadModelCheckpoint(
  path: string,
  overrides: Partial<Pick<ModelOptions, 'n_epochs' | 'n_epochs_decay'>> = {},
): Promise<LoadedModel> {
  const c = await loadCheckpoint(path);
  const meta = parseMeta(c, path);
  const options = { ...meta.options, ...overrides } as ModelOptions;
  const model = createModel(options);
  try {
    for (const [netName, net] of model.networks()) net.loadTorchStateDict(stateDictFor(c, netName));
    for (const [optName, opt] of model.optimizers()) {
      const saved = meta.adam[optName];
      if (!saved) throw new Error(`${path} has no state for optimiser ${optName}`);
      const tensors = tensorsWithPrefix(c, `${OPTIM}${optName}.`);
      const moments = new Map<string, { m: tf.Tensor; v: tf.Tensor; step: number }>();
      for (const [key, step] of Object.entries(saved.paramSteps)) {
        const m = tensors.get(`${key}.m`);
        const v = tensors.get(`${key}.v`);
        if (!m || !v) throw new Error(`${path} lacks the Adam moments of ${key}`);
        moments.set(key, { m: tf.tensor(m.data, m.shape, 'float32'), v: tf.tensor(v.data, v.shape, 'float32'), step });
      }
      try {
        opt.importState({ step: saved.step, moments });
      } finally {
        for (const st of moments.values()) tf.dispose([st.m, st.v]);
      }
    }
    model.scheduler.importState(meta.scheduler);
    const pools: Record<string, tf.Tensor4D[]> = {};
    for (const [poolName, n] of Object.entries(meta.pools)) {
      const tensors = tensorsWithPrefix(c, `${POOL}${poolName}.`);
      pools[poolName] = Array.from({ length: n }, (_, i) => {
        const t = tensors.get(String(i));
        if (!t) throw new Error(`${path} lacks pooled image ${poolName}.${i}`);
        return tf.tensor4d(t.data as Float32Array, t.shape as [number, number, number, number]);
      });
    }
    try {
      model.importTrainingState({ rng: meta.rng, pools });
    } finally {
      for (const list of Object.values(pools)) tf.dispose(list);
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, progress: meta.progress, options };
}

/** The options a checkpoint was trained with, without building anything (for UIs and inference). */
export async function readCheckpointOptions(path: string): Promise<{ options: ModelOptions; progress: TrainingProgress }> {
  const meta = parseMeta(await loadCheckpoint(path), path);
  return { options: meta.options, progress: meta.progress };
}
