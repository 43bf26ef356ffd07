import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../../../main/gan/models/create-model.js';
import type { TrainingBatch } from '../../../main/gan/models/model.js';
import { loadModelCheckpoint } from '../../../main/gan/models/model-checkpoint.js';
import type { ModelOptionsInput } from '../../../main/gan/models/options.js';
import { tf } from '../../../main/gan/tf.js';
import { estimateRun, STEPS_BEFORE_MEASURED, WARMUP_STEPS } from '../../../main/gan/training/run-estimate.js';
import { LATEST, Trainer, type BatchSource, type IterationInfo } from '../../../main/gan/training/trainer.js';
import { useTestBackend } from '../../helpers/backend.js';
import { syntheticPairs } from '../../helpers/synthetic-batches.js';

beforeAll(useTestBackend);
const root = mkdtempSync(path.join(tmpdir(), 'tandem-trainer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Fresh clones each epoch, as a real loader yields new tensors the trainer disposes. */
function source(pairs: TrainingBatch[]): BatchSource & { starts: Array<[number, number]> } {
  const starts: Array<[number, number]> = [];
  return {
    size: pairs.length,
    starts,
    async *epoch(epoch, opts) {
      const startAt = opts?.startAt ?? 0;
      starts.push([epoch, startAt]);
      for (const p of pairs.slice(startAt)) yield { A: tf.clone(p.A), B: tf.clone(p.B) };
    },
  };
}

const options: ModelOptionsInput = { model: 'cyclegan', netG: 'resnet_6blocks', ngf: 4, ndf: 4, n_epochs: 1, n_epochs_decay: 1, seed: 1 };
const schedule = { lastEpoch: 2, sampleEvery: 2, checkpointEvery: 4, saveEpochFreq: 1 };

describe('Trainer', () => {
  it('runs the epochs, writes sample grids and checkpoints, steps the LR at each epoch end', async () => {
    const dir = path.join(root, 'full');
    const pairs = syntheticPairs(3, 32, 1);
    const model = createModel(options);
    const iterations: IterationInfo[] = [];
    const lrs: Array<[number, number]> = [];
    const trainer = new Trainer(model, source(pairs), dir, schedule, pairs[0]!, {
      onIteration: (i) => iterations.push(i),
      onEpochEnd: (e) => lrs.push([e.lrBefore, e.lrAfter]),
    });
    const result = await trainer.run({ epoch: 1, epochIter: 0, totalIters: 0 });
    expect(result.stopped).toBe(false);
    expect(iterations.map((i) => i.totalIters)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(iterations.at(-1)!.etaRunSeconds).toBe(0);
    expect(Object.keys(iterations[0]!.losses).sort()).toEqual(['D_A', 'D_B', 'G_A', 'G_B', 'cycle_A', 'cycle_B', 'idt_A', 'idt_B']);
    // linear policy, n_epochs 1 + decay 1: 2e-4 in epoch 1, 2e-4·(1 − 1/2) in epoch 2
    expect(lrs[0]![0]).toBeCloseTo(2e-4, 10);
    expect(lrs[0]![1]).toBeCloseTo(1e-4, 10);
    const samples = readdirSync(path.join(dir, 'samples')).sort();
    expect(samples).toEqual(['iter_00000002.png', 'iter_00000004.png', 'iter_00000006.png']);
    const meta = await sharp(path.join(dir, 'samples', samples[0]!)).metadata();
    expect([meta.width, meta.height]).toEqual([6 * 32 + 5 * 4, 32]); // six visuals side by side
    expect(existsSync(path.join(dir, 'epoch_1.tandem'))).toBe(true);
    const { progress } = await loadModelCheckpoint(path.join(dir, LATEST)).then((l) => {
      l.model.dispose();
      return l;
    });
    expect(progress).toEqual({ epoch: 3, epochIter: 0, totalIters: 6 });
    model.dispose();
  });

  it('bases the ETA on the estimate until the warm-up step and three measured steps are in, then on the measured speed', async () => {
    const pairs = syntheticPairs(3, 32, 3);
    const model = createModel(options);
    const seen: IterationInfo[] = [];
    const quiet = { ...schedule, sampleEvery: 0, checkpointEvery: 0, saveEpochFreq: 0 };
    await new Trainer(model, source(pairs), path.join(root, 'eta'), quiet, null, { onIteration: (i) => seen.push(i) }).run({
      epoch: 1,
      epochIter: 0,
      totalIters: 0,
    });
    const backend = tf.getBackend() === 'tensorflow' ? 'node' : tf.getBackend() === 'cpu' ? 'cpu' : 'wasm';
    const estimate = estimateRun(model.options, pairs.length, backend).secondsPerIteration;
    model.dispose();

    expect(WARMUP_STEPS + STEPS_BEFORE_MEASURED).toBe(4);
    expect(seen.map((i) => i.speedBasis)).toEqual(['estimate', 'estimate', 'estimate', 'measured', 'measured', 'measured']);
    for (const i of seen.slice(0, 3)) expect(i.secondsPerIter).toBe(estimate);
    // Steps 2–4 are measured (step 1 warms up): from step 4 their median, then a moving average.
    const median = seen
      .slice(1, 4)
      .map((i) => i.stepSeconds)
      .sort((a, b) => a - b)[1]!;
    expect(seen[3]!.secondsPerIter).toBe(median);
    expect(seen[4]!.secondsPerIter).toBeCloseTo(median + 0.1 * (seen[4]!.stepSeconds - median), 12);
    for (const i of seen) {
      const imagesLeft = pairs.length - i.epochIter + (quiet.lastEpoch - i.epoch) * pairs.length;
      expect(i.etaRunSeconds).toBeCloseTo(imagesLeft * i.secondsPerIter, 9);
    }
  });

  it('stops on the signal with a checkpoint, and a resumed run continues the numbering mid-epoch', async () => {
    const dir = path.join(root, 'stop');
    const pairs = syntheticPairs(3, 32, 2);
    const model = createModel(options);
    const abort = new AbortController();
    const trainer = new Trainer(model, source(pairs), dir, schedule, null, {
      onIteration: (i) => i.totalIters === 2 && abort.abort(),
    });
    const stopped = await trainer.run({ epoch: 1, epochIter: 0, totalIters: 0 }, abort.signal);
    expect(stopped).toMatchObject({ stopped: true, progress: { epoch: 1, epochIter: 2, totalIters: 2 } });
    model.dispose();

    const loaded = await loadModelCheckpoint(path.join(dir, LATEST));
    expect(loaded.progress).toEqual({ epoch: 1, epochIter: 2, totalIters: 2 });
    const src = source(pairs);
    const seen: number[] = [];
    await new Trainer(loaded.model, src, dir, schedule, null, { onIteration: (i) => seen.push(i.totalIters) }).run(loaded.progress);
    expect(src.starts).toEqual([
      [1, 2],
      [2, 0],
    ]);
    expect(seen).toEqual([3, 4, 5, 6]);
    loaded.model.dispose();
  });
});
