// GPU memory on webgpu (SwiftShader): no leak across steps, out-of-memory and rejected work
// caught where WebGPU only reports them, and a run that runs out stops without saving.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuOutOfMemoryError, GpuWorkError } from '../../../main/gan/backend/gpu-errors.js';
import { guardGpuWork } from '../../../main/gan/backend/webgpu-runtime.js';
import { createModel } from '../../../main/gan/models/create-model.js';
import type { GanModel, TrainingBatch } from '../../../main/gan/models/model.js';
import { tf } from '../../../main/gan/tf.js';
import { LATEST, Trainer, type BatchSource } from '../../../main/gan/training/trainer.js';
import { disposePairs, syntheticPairs } from '../../helpers/synthetic-batches.js';
import { swiftShaderSkipReason, useSwiftShaderBackend } from '../../helpers/webgpu-backend.js';

const skip = swiftShaderSkipReason();
const dir = mkdtempSync(path.join(tmpdir(), 'tandem-webgpu-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface GpuMemory {
  numTensors: number;
  numBytesInGPU: number;
  numBytesAllocatedInGPU: number;
}
const gpuMemory = (): GpuMemory => {
  const m = tf.memory() as unknown as GpuMemory;
  return { numTensors: m.numTensors, numBytesInGPU: m.numBytesInGPU, numBytesAllocatedInGPU: m.numBytesAllocatedInGPU };
};

/** 2^28 floats: exactly SwiftShader's 1 GiB buffer limit, more than its driver will allocate at once. */
async function allocateOneGiB(): Promise<void> {
  const big = tf.zeros([2 ** 28]);
  const corner = tf.slice(big, 0, 4);
  try {
    await corner.data();
  } finally {
    tf.dispose([big, corner]);
  }
}

const tinyCycleGan = {
  model: 'cyclegan',
  netG: 'resnet_6blocks',
  ngf: 4,
  ndf: 4,
  netD: 'n_layers',
  n_layers_D: 2,
  pool_size: 1,
  crop_size: 16,
  load_size: 16,
} as const;

describe.skipIf(skip)(`GPU memory on webgpu (SwiftShader)${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 600_000 }, () => {
  beforeAll(async () => {
    await useSwiftShaderBackend();
  });

  it('tensor count and GPU bytes stay flat over CycleGAN steps', async () => {
    const data = syntheticPairs(2, 16, 5);
    const model = createModel(tinyCycleGan);
    // The first steps create Adam's moments, fill the one-image pools and upload both batches.
    for (const pair of data) {
      model.setInput(pair);
      await model.optimizeParameters();
    }
    const after: GpuMemory[] = [];
    for (let i = 0; i < 3; i++) {
      model.setInput(data[i % 2]!);
      await model.optimizeParameters();
      after.push(gpuMemory());
    }
    expect(after[0]!.numBytesInGPU).toBeGreaterThan(0);
    expect(after[1]).toEqual(after[0]);
    expect(after[2]).toEqual(after[0]);
    model.dispose();
    disposePairs(data);
  });

  it('out-of-memory and rejected work, which WebGPU does not throw, come out as errors', async () => {
    const before = tf.memory().numTensors;
    const oom: unknown = await guardGpuWork(allocateOneGiB).catch((e: unknown) => e);
    expect(oom).toBeInstanceOf(GpuOutOfMemoryError);
    expect((oom as Error).message).toMatch(/the GPU \(SwiftShader driver 5\.0\.0\) ran out of memory: .*OUT_OF_DEVICE_MEMORY/);
    // One float past maxBufferSize: a validation error, not an allocation failure.
    const tooLarge = async () => {
      const t = tf.zeros([2 ** 28 + 1]);
      const corner = tf.slice(t, 0, 1);
      try {
        await corner.data();
      } finally {
        tf.dispose([t, corner]);
      }
    };
    const rejected: unknown = await guardGpuWork(tooLarge).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(GpuWorkError);
    expect((rejected as Error).message).toMatch(/rejected Tandem's work: Buffer size \(1073741828\) exceeds the max buffer size limit/);
    expect(tf.memory().numTensors).toBe(before);
    // Work after the failures runs normally.
    const two = tf.add(tf.ones([4]), 1);
    await expect(guardGpuWork(async () => (await two.data())[0])).resolves.toBe(2);
    tf.dispose(two);
  });

  it('a run that runs out of GPU memory stops without saving, keeping its last checkpoint, and says what fits', async () => {
    const data = syntheticPairs(2, 16, 7);
    const model = createModel(tinyCycleGan);
    let steps = 0;
    // The real model, with a step that needs more memory than the GPU has from the second on.
    const greedy: GanModel = {
      options: model.options,
      lossNames: model.lossNames,
      visualNames: model.visualNames,
      get scheduler() {
        return model.scheduler;
      },
      setInput: (b) => model.setInput(b),
      optimizeParameters: async () => {
        await model.optimizeParameters();
        if (++steps >= 2) await allocateOneGiB();
      },
      currentLosses: () => model.currentLosses(),
      currentVisuals: () => model.currentVisuals(),
      networks: () => model.networks(),
      optimizers: () => model.optimizers(),
      generator: (d) => model.generator(d),
      updateLearningRate: (m) => model.updateLearningRate(m),
      exportTrainingState: () => model.exportTrainingState(),
      importTrainingState: (s) => model.importTrainingState(s),
      dispose: () => model.dispose(),
    };
    const source: BatchSource = {
      size: 2,
      async *epoch(): AsyncIterable<TrainingBatch> {
        for (const p of data) yield { A: tf.clone(p.A), B: tf.clone(p.B) };
      },
    };
    const runDir = path.join(dir, 'greedy');
    let saved: Buffer | null = null;
    const trainer = new Trainer(greedy, source, runDir, { lastEpoch: 1, sampleEvery: 0, checkpointEvery: 1, saveEpochFreq: 0 }, null, {
      onCheckpoint: (c) => (saved = readFileSync(c.file)),
    });
    const run = trainer.run({ epoch: 1, epochIter: 0, totalIters: 0 });
    await expect(run).rejects.toThrow(GpuOutOfMemoryError);
    await expect(run).rejects.toThrow(
      /ran out of memory: .*CycleGAN resnet_6blocks at crop 16 does not fit in ~\d+\.\d GB: use --crop_size \d+ or smaller/,
    );
    expect(steps).toBe(2);
    expect(saved).not.toBeNull();
    expect(readFileSync(path.join(runDir, LATEST)).equals(saved!)).toBe(true);
    model.dispose();
    disposePairs(data);
  });
});
