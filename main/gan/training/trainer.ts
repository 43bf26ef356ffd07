import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { GpuOutOfMemoryError } from '../backend/gpu-errors.js';
import { guardGpuWork } from '../backend/webgpu-runtime.js';
import { tf } from '../tf.js';
import { gpuOutOfMemoryAdvice } from '../models/gpu-memory.js';
import { translateBatch } from '../models/inference.js';
import type { GanModel, TrainingBatch } from '../models/model.js';
import { saveModelCheckpoint, type TrainingProgress } from '../models/model-checkpoint.js';
import { currentBackendReport } from '../backend/index.js';
import { StepClock } from './eta.js';
import { estimateRun, remainingSeconds, StepSpeed, type ComputeBackend, type SpeedBasis } from './run-estimate.js';
import { writeSampleGrid } from './sample-grid.js';

/** Where batches come from; main/data's DatasetLoader satisfies it. */
export interface BatchSource {
  /** Items (images or pairs) per epoch. */
  readonly size: number;
  epoch(epoch: number, opts?: { startAt?: number }): AsyncIterable<TrainingBatch>;
}

export interface TrainerSchedule {
  /** Last epoch (the reference's n_epochs + n_epochs_decay). */
  lastEpoch: number;
  /** Write a sample grid every this many images (the reference's display_freq, 400). 0 = never. */
  sampleEvery: number;
  /** Save latest.tandem every this many images (the reference's save_latest_freq, 5000). 0 = never. */
  checkpointEvery: number;
  /** Keep epoch_<n>.tandem every this many epochs (the reference's save_epoch_freq, 5). */
  saveEpochFreq: number;
}

export interface IterationInfo extends TrainingProgress {
  epochSize: number;
  lastEpoch: number;
  losses: Record<string, number>;
  lr: number;
  /** Seconds per step behind the ETA: estimated from the networks until a few steps are measured (StepSpeed). */
  secondsPerIter: number;
  speedBasis: SpeedBasis;
  /** What this step took (the first step of a start includes the warm-up). */
  stepSeconds: number;
  etaEpochSeconds: number;
  etaRunSeconds: number;
}

export interface TrainerEvents {
  onIteration?(info: IterationInfo): void;
  onSample?(info: { file: string; totalIters: number }): void;
  /** `seconds`: how long the write took. */
  onCheckpoint?(info: { file: string; progress: TrainingProgress; reason: 'interval' | 'epoch' | 'stopped'; seconds: number }): void;
  onEpochEnd?(info: { epoch: number; lrBefore: number; lrAfter: number; seconds: number }): void;
}

export interface TrainResult {
  progress: TrainingProgress;
  /** True when stopped by the signal (a checkpoint was saved), false when every epoch ran. */
  stopped: boolean;
  latestCheckpoint: string;
}

export const LATEST = 'latest.tandem';

/**
 * The reference's train.py loop around a model and a batch source: epochs from where the run
 * stands, the LR schedule stepped at each epoch's end, sample grids of fixed images and atomic
 * checkpoints; stops cleanly (with a checkpoint) when `signal` aborts.
 */
export class Trainer {
  private readonly clock = new StepClock();
  private readonly speed: StepSpeed;

  constructor(
    private readonly model: GanModel,
    private readonly source: BatchSource,
    private readonly runDir: string,
    private readonly schedule: TrainerSchedule,
    private readonly sampleInputs: TrainingBatch | null,
    private readonly events: TrainerEvents = {},
  ) {
    if (source.size <= 0) throw new Error('the dataset has no usable images');
    this.speed = new StepSpeed(estimateRun(model.options, source.size, computeBackend()).secondsPerIteration);
  }

  async run(start: TrainingProgress, signal?: AbortSignal): Promise<TrainResult> {
    const progress = { ...start };
    const latest = path.join(this.runDir, LATEST);
    const { lastEpoch } = this.schedule;
    await mkdir(this.runDir, { recursive: true });
    this.clock.resume();
    for (let epoch = progress.epoch; epoch <= lastEpoch; epoch++) {
      const epochStarted = performance.now();
      if (epoch !== progress.epoch) progress.epochIter = 0;
      progress.epoch = epoch;
      for await (const batch of this.source.epoch(epoch, { startAt: progress.epochIter })) {
        try {
          this.model.setInput(batch);
        } finally {
          tf.dispose([batch.A, batch.B]);
        }
        await this.guarded(() => this.model.optimizeParameters());
        const n = this.model.currentVisuals().get('real_A')!.shape[0];
        const before = progress.totalIters;
        progress.epochIter += n;
        progress.totalIters += n;
        this.reportIteration(progress);
        if (crossed(before, progress.totalIters, this.schedule.sampleEvery)) await this.writeSample(progress.totalIters);
        if (crossed(before, progress.totalIters, this.schedule.checkpointEvery)) await this.checkpoint(latest, progress, 'interval');
        if (signal?.aborted) {
          await this.checkpoint(latest, progress, 'stopped');
          return { progress, stopped: true, latestCheckpoint: latest };
        }
      }
      const { before, after } = this.model.updateLearningRate();
      // The next run starts at the next epoch: record that, as the reference's epoch_count would.
      const next: TrainingProgress = { epoch: epoch + 1, epochIter: 0, totalIters: progress.totalIters };
      if (this.schedule.saveEpochFreq > 0 && epoch % this.schedule.saveEpochFreq === 0) {
        await this.checkpoint(path.join(this.runDir, `epoch_${epoch}.tandem`), next, 'epoch');
      }
      await this.checkpoint(latest, next, 'epoch');
      this.events.onEpochEnd?.({ epoch, lrBefore: before, lrAfter: after, seconds: (performance.now() - epochStarted) / 1000 });
      Object.assign(progress, next);
      if (signal?.aborted) return { progress, stopped: true, latestCheckpoint: latest };
    }
    return { progress, stopped: false, latestCheckpoint: latest };
  }

  /**
   * GPU work that fails does not throw by itself (webgpu): it poisons the weights. The run stops
   * without saving, so its last checkpoint stays good; out of memory says what would fit.
   */
  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await guardGpuWork(work);
    } catch (e) {
      if (!(e instanceof GpuOutOfMemoryError)) throw e;
      const o = this.model.options;
      throw new GpuOutOfMemoryError(`${e.message}. ${gpuOutOfMemoryAdvice(o, o.crop_size, e.capacityBytes)}`, e.capacityBytes);
    }
  }

  private reportIteration(p: TrainingProgress): void {
    const stepSeconds = this.clock.lap();
    this.speed.record(stepSeconds);
    const spi = this.speed.secondsPerStep;
    const { lastEpoch } = this.schedule;
    const eta = remainingSeconds(p, { epochSize: this.source.size, lastEpoch, batchSize: this.model.options.batch_size }, spi);
    this.events.onIteration?.({
      ...p,
      epochSize: this.source.size,
      lastEpoch,
      losses: this.model.currentLosses(),
      lr: this.model.scheduler.lr,
      secondsPerIter: spi,
      speedBasis: this.speed.basis,
      stepSeconds,
      etaEpochSeconds: eta.epoch,
      etaRunSeconds: eta.run,
    });
  }

  /** Leaves the time since the last step out of the next one's: a pause is not a slow step. */
  resumeClock(): void {
    this.clock.resume();
  }

  private async checkpoint(file: string, progress: TrainingProgress, reason: 'interval' | 'epoch' | 'stopped'): Promise<void> {
    const started = performance.now();
    await saveModelCheckpoint(file, this.model, progress);
    this.events.onCheckpoint?.({ file, progress: { ...progress }, reason, seconds: (performance.now() - started) / 1000 });
    this.clock.resume();
  }

  /** Translates the fixed sample images; pix2pix as the reference's test.py would (batch stats). */
  async writeSample(totalIters: number): Promise<string | null> {
    if (!this.sampleInputs) return null;
    const file = path.join(this.runDir, 'samples', `iter_${String(totalIters).padStart(8, '0')}.png`);
    await this.guarded(async () => {
      const rows = sampleRows(this.model, this.sampleInputs!);
      try {
        await writeSampleGrid(file, rows);
      } finally {
        for (const row of rows) tf.dispose(row);
      }
    });
    this.events.onSample?.({ file, totalIters });
    this.clock.resume();
    return file;
  }
}

function crossed(before: number, after: number, every: number): boolean {
  return every > 0 && Math.floor(after / every) > Math.floor(before / every);
}

/**
 * One row per sample image. pix2pix: input | output | target. CycleGAN: real A | fake B | rec A |
 * real B | fake A | rec B. CUT: real A | fake B | real B (| idt B). Tensors in the rows are new; the caller disposes them.
 */
export function sampleRows(model: GanModel, inputs: TrainingBatch): tf.Tensor4D[][] {
  const o = model.options;
  const aToB = o.direction === 'AtoB';
  const [realA, realB] = aToB ? [inputs.A, inputs.B] : [inputs.B, inputs.A];
  const mode = o.model === 'pix2pix' ? ('reference-test' as const) : ('eval' as const);
  const run = (dir: 'AtoB' | 'BtoA', x: tf.Tensor4D) => translateBatch(model.generator(dir), o.netG, x, { mode, seed: 0 });
  // One image at a time: with batch norm, the reference's test-time statistics are per image.
  const rows: tf.Tensor4D[][] = [];
  for (let i = 0; i < realA.shape[0]; i++) {
    const row = tf.tidy(() => {
      const a = tf.slice(realA, [i, 0, 0, 0], [1, -1, -1, -1]);
      const b = tf.slice(realB, [i, 0, 0, 0], [1, -1, -1, -1]);
      if (o.model === 'pix2pix') return [a, run('AtoB', a), b];
      // CUT learns one direction: real A | fake B | real B, and G(B) (idt B) when it learns to leave B alone.
      if (o.model === 'cut') return [a, run('AtoB', a), b, ...(o.nce_idt ? [run('AtoB', b)] : [])];
      const fakeB = run('AtoB', a);
      const fakeA = run('BtoA', b);
      return [a, fakeB, run('BtoA', fakeB), b, fakeA, run('AtoB', fakeA)];
    });
    rows.push(row);
  }
  return rows;
}

/** The backend this process trains on, as the estimator names it. */
function computeBackend(): ComputeBackend {
  const report = currentBackendReport();
  if (report?.variant === 'tfjs-node-gpu') return 'gpu';
  if (report?.variant === 'tfjs-node') return 'node';
  if (report) return report.name === 'cpu' ? 'cpu' : 'wasm';
  const name = tf.getBackend();
  return name === 'tensorflow' ? 'node' : name === 'cpu' ? 'cpu' : 'wasm';
}
