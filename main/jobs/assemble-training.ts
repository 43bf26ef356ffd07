// Puts a training run together — dataset layout, the model (new or resumed from latest.tandem),
// a health check, the loader, the fixed sample images and the trainer — for both the `tandem
// train` command and the trainer child process, so the two cannot drift apart.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inspectDataset } from '../data/health.js';
import { assertTrainable, formatHealthReport } from '../data/health-summary.js';
import { detectLayout, resolveLayout, type DatasetLayout, type LayoutSpec } from '../data/layout.js';
import { DatasetLoader } from '../data/loader.js';
import { createModel } from '../gan/models/create-model.js';
import { webgpuRuntime } from '../gan/backend/webgpu-runtime.js';
import { assertFitsGpuBuffers } from '../gan/models/gpu-memory.js';
import { assertFits } from '../gan/models/memory-plan.js';
import type { GanModel, TrainingBatch } from '../gan/models/model.js';
import { architectureOf, initWeightsFrom } from '../gan/models/init-from.js';
import { loadModelCheckpoint, type TrainingProgress } from '../gan/models/model-checkpoint.js';
import { resolveOptions, type ModelOptions, type ModelOptionsInput } from '../gan/models/options.js';
import { tf } from '../gan/tf.js';
import { LATEST, Trainer, type BatchSource, type TrainerEvents } from '../gan/training/trainer.js';
import type { TrainJobSpec } from './protocol.js';
import { acquireRunLock } from './run-lock.js';

/**
 * A training as the protocol's train job describes it (trainJobSpecSchema: the run folder, the
 * data, the schedule, a fine-tune's starting weights), with the options as given: a new run's are
 * resolved here (defaults fill the rest); on resume only n_epochs and n_epochs_decay are applied
 * (to lengthen or shorten the run), the run keeps its own options and any other key that differs
 * is named in a note.
 */
export type TrainingRequest = Omit<TrainJobSpec, 'kind' | 'jobId' | 'backend' | 'options' | 'serialBatches'> & {
  options: Readonly<Record<string, unknown>>;
  serialBatches?: boolean;
};

export interface AssemblyHooks {
  /** Human lines worth showing (the health report, what resuming ignored, where the run stands). */
  onNote?(line: string): void;
  /** A training image the loader could not read (the run goes on without it). */
  onSkip?(file: string, reason: string): void;
  /** Wraps the loader, e.g. to hold batches back while paused. */
  wrapSource?(source: BatchSource): BatchSource;
  events?: TrainerEvents;
}

export interface AssembledTraining {
  model: GanModel;
  options: ModelOptions;
  trainer: Trainer;
  /** Where the run starts (the checkpoint's position on resume). */
  progress: TrainingProgress;
  resumed: boolean;
  lastEpoch: number;
  epochSize: number;
  hasSamples: boolean;
  /** Releases the model and the sample tensors. */
  dispose(): void;
}

export type RunStateProblem = 'nothing-to-resume' | 'run-exists';

/** The run folder does not match the request (resume without a run, or a new run over one). */
export class RunStateError extends Error {
  override readonly name = 'RunStateError';
  constructor(
    readonly problem: RunStateProblem,
    readonly runDir: string,
  ) {
    super(
      problem === 'nothing-to-resume'
        ? `there is no run to resume at ${runDir} (no ${LATEST}); start it as a new run`
        : `a run already exists at ${runDir}; resume it, or choose another folder`,
    );
  }
}

/** Checks the run folder, builds or loads the model, inspects the data and builds the trainer. */
export async function assembleTraining(req: TrainingRequest, hooks: AssemblyHooks = {}): Promise<AssembledTraining> {
  const note = hooks.onNote ?? (() => undefined);
  const latest = path.join(req.runDir, LATEST);
  if (req.resume && !existsSync(latest)) throw new RunStateError('nothing-to-resume', req.runDir);
  if (!req.resume && existsSync(latest)) throw new RunStateError('run-exists', req.runDir);

  // A resumed run is taken before its checkpoint is read; a new run once its folder exists.
  let lock = req.resume ? acquireRunLock(req.runDir) : null;
  let model: GanModel;
  let progress: TrainingProgress;
  let layout: DatasetLayout;
  try {
    layout = await resolveLayout(req.data);
    ({ model, progress } = req.resume ? await resumeModel(latest, req, note) : await newModel(req, note));
  } catch (e) {
    lock?.release();
    throw e;
  }
  let samples: TrainingBatch | null = null;
  try {
    lock ??= acquireRunLock(req.runDir);
    const o = model.options;
    const report = await inspectDataset(layout, { cropSize: o.crop_size });
    note(formatHealthReport(report));
    assertTrainable(report);

    const loader = new DatasetLoader(layout, {
      batch_size: o.batch_size,
      serial_batches: Boolean(req.serialBatches),
      max_dataset_size: o.max_dataset_size,
      preprocess: {
        preprocess: o.preprocess,
        load_size: o.load_size,
        crop_size: o.crop_size,
        no_flip: o.no_flip,
        input_nc: o.input_nc,
        output_nc: o.output_nc,
      },
      direction: o.direction,
      seed: o.seed,
    });
    if (hooks.onSkip) loader.onSkip((file, reason) => hooks.onSkip!(file, reason));
    // The trainer counts images; the loader resumes by batch.
    const loaderSource: BatchSource = {
      size: loader.size,
      epoch: (n, opts) => loader.epoch(n, { startAt: Math.floor((opts?.startAt ?? 0) / o.batch_size) }),
    };
    const source = hooks.wrapSource ? hooks.wrapSource(loaderSource) : loaderSource;
    samples = await loadSamples(await sampleLayout(req.data, layout), o, req.numSamples);

    const lastEpoch = o.n_epochs + o.n_epochs_decay;
    const trainer = new Trainer(model, source, req.runDir, { lastEpoch, ...req.schedule }, samples, hooks.events ?? {});
    const held = samples;
    const heldLock = lock;
    return {
      model,
      options: o,
      trainer,
      progress,
      resumed: req.resume,
      lastEpoch,
      epochSize: source.size,
      hasSamples: held !== null,
      dispose() {
        if (held) tf.dispose([held.A, held.B]);
        model.dispose();
        heldLock.release();
      },
    };
  } catch (e) {
    if (samples) tf.dispose([samples.A, samples.B]);
    model.dispose();
    lock?.release();
    throw e;
  }
}

async function newModel(req: TrainingRequest, note: (line: string) => void): Promise<{ model: GanModel; progress: TrainingProgress }> {
  // Fine-tuning: the starting weights decide the generator's shape unless the options say otherwise
  // (then loading them fails and says which option differs).
  const inherited = req.initFrom ? await architectureOf(req.initFrom.file) : {};
  const options = resolveOptions({ ...inherited, ...req.options } as ModelOptionsInput);
  // Said before anything is built or written: a configuration that cannot fit never starts.
  assertFitsBackend(options);
  const model = createModel(options);
  try {
    if (req.initFrom) note(await initWeightsFrom(model, req.initFrom.file, { generatorsOnly: req.initFrom.generatorsOnly }));
    await mkdir(req.runDir, { recursive: true });
    await writeFile(path.join(req.runDir, 'options.json'), `${JSON.stringify(options, null, 2)}\n`);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, progress: { epoch: options.epoch_count, epochIter: 0, totalIters: 0 } };
}

async function resumeModel(
  latest: string,
  req: TrainingRequest,
  note: (line: string) => void,
): Promise<{ model: GanModel; progress: TrainingProgress }> {
  const given = req.options;
  const overrides: Partial<Pick<ModelOptions, 'n_epochs' | 'n_epochs_decay'>> = {};
  for (const key of ['n_epochs', 'n_epochs_decay'] as const) {
    const v = given[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw new Error(`invalid training options: --${key}: expected a whole number ≥ 0, got ${JSON.stringify(v)}`);
    overrides[key] = v;
  }
  const loaded = await loadModelCheckpoint(latest, overrides);
  try {
    // A run resumed on another backend (or another GPU) may not fit there.
    assertFitsBackend(loaded.options);
  } catch (e) {
    loaded.model.dispose();
    throw e;
  }
  const own = loaded.options as Record<string, unknown>;
  const ignored = Object.keys(given).filter(
    (k) => k !== 'n_epochs' && k !== 'n_epochs_decay' && given[k] !== undefined && given[k] !== own[k],
  );
  if (ignored.length) note(`note: resuming with the run's own options; ignoring --${ignored.join(', --')}`);
  const p = loaded.progress;
  note(`resuming ${path.basename(req.runDir)} at epoch ${p.epoch}, image ${p.epochIter} of the epoch (${p.totalIters} images so far)`);
  return { model: loaded.model, progress: p };
}

function assertFitsBackend(o: ModelOptions): void {
  const backend = tf.getBackend();
  assertFits(o, o.crop_size, backend);
  const gpu = backend === 'webgpu' ? webgpuRuntime() : null;
  if (gpu) assertFitsGpuBuffers(o, o.crop_size, gpu.maxTensorBytes, gpu.adapter.name);
}

/** Fixed sample images: the test split when the dataset has one, else the first training items. */
async function sampleLayout(spec: LayoutSpec, trainLayout: DatasetLayout): Promise<DatasetLayout> {
  if (spec.kind !== 'detect') return trainLayout;
  try {
    return await detectLayout({ dataroot: spec.dataroot, phase: 'test', model: spec.model });
  } catch {
    return trainLayout;
  }
}

async function loadSamples(layout: DatasetLayout, o: ModelOptions, count: number): Promise<TrainingBatch | null> {
  if (count <= 0) return null;
  const loader = new DatasetLoader(layout, {
    batch_size: count,
    serial_batches: true,
    max_dataset_size: count,
    preprocess: {
      preprocess: o.preprocess,
      load_size: o.load_size,
      crop_size: o.crop_size,
      no_flip: true,
      input_nc: o.input_nc,
      output_nc: o.output_nc,
    },
    direction: o.direction,
    seed: o.seed,
    prefetch: 0,
  });
  for await (const batch of loader.epoch(1)) return { A: batch.A, B: batch.B };
  return null;
}
