import os from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../../../main/gan/models/create-model.js';
import { assertFits, estimatePeakMB, memoryLimitMB, planMemory } from '../../../main/gan/models/memory-plan.js';
import { resolveOptions } from '../../../main/gan/models/options.js';
import { tf } from '../../../main/gan/tf.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

const cyclegan = (crop: number) => resolveOptions({ model: 'cyclegan', crop_size: crop, load_size: crop });

describe('memory plan', () => {
  it('trains CycleGAN resnet_9blocks at 256 on wasm, and refuses 512 naming a crop that fits', () => {
    expect(assertFits(cyclegan(256), 256, 'wasm').fits).toBe(true);
    expect(() => assertFits(cyclegan(512), 512, 'wasm')).toThrow(
      /^CycleGAN resnet_9blocks at crop 512 needs ~\d+\.\d GB; the wasm backend has 4 GB: use --crop_size \d+ or smaller, or install tfjs-node$/,
    );
    const plan = planMemory(cyclegan(512), 512);
    expect(plan.largestFittingCrop % 4).toBe(0);
    expect(plan.largestFittingCrop).toBeGreaterThanOrEqual(256);
    expect(planMemory(cyclegan(plan.largestFittingCrop), plan.largestFittingCrop).fits).toBe(true);
  });

  it('checkpoints only when the plain step would not fit, and checkpointing lowers the estimate', () => {
    const o = cyclegan(128);
    expect(planMemory(o, 128).checkpointing).toBe(false);
    expect(estimatePeakMB(o, 128, true)).toBeLessThan(estimatePeakMB(o, 128, false));
    expect(planMemory(o, 128, estimatePeakMB(o, 128, false) - 1)).toMatchObject({ checkpointing: true, fits: true });
    // U-Nets have nothing to checkpoint: the same estimate either way.
    const p = resolveOptions({ model: 'pix2pix' });
    expect(estimatePeakMB(p, 256, true)).toBe(estimatePeakMB(p, 256, false));
  });

  it('holds native backends against the machine memory', () => {
    expect(memoryLimitMB('tensorflow')).toBe(Math.floor((os.totalmem() / 2 ** 20) * 0.8));
    expect(memoryLimitMB('wasm')).toBeLessThan(4096);
  });

  // Four full-size CycleGAN steps (minutes on one wasm thread): run with TANDEM_PERF=1.
  it.runIf(process.env.TANDEM_PERF === '1')(
    'does not underestimate the wasm heap of CycleGAN steps at crop 64, and is within 40% of it, both ways',
    { timeout: 900_000 },
    async () => {
      const measure = async (checkpoint: '0' | '1') => {
        process.env.TANDEM_CHECKPOINT = checkpoint;
        const model = createModel({ model: 'cyclegan', crop_size: 64, load_size: 64 });
        const A = tf.randomUniform([1, 64, 64, 3], -1, 1) as tf.Tensor4D;
        const B = tf.neg(A) as tf.Tensor4D;
        model.setInput({ A, B });
        await model.optimizeParameters();
        await model.optimizeParameters();
        model.dispose();
        tf.dispose([A, B]);
        delete process.env.TANDEM_CHECKPOINT;
        const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength / 2 ** 20;
        return heap;
      };
      const o = cyclegan(64);
      // The heap never shrinks: measure the smaller (checkpointed) steps first.
      const checkpointed = await measure('1');
      const plain = await measure('0');
      for (const [estimate, measured] of [
        [estimatePeakMB(o, 64, true), checkpointed],
        [estimatePeakMB(o, 64, false), plain],
      ] as const) {
        expect(estimate).toBeGreaterThanOrEqual(measured * 0.95);
        expect(estimate).toBeLessThan(measured * 1.4);
      }
    },
  );
});
