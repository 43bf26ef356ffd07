import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../../../main/gan/models/create-model.js';
import type { GanModel } from '../../../main/gan/models/model.js';
import { assertFits, estimatePeakMB } from '../../../main/gan/models/memory-plan.js';
import { resolveOptions } from '../../../main/gan/models/options.js';
import type { ModelOptionsInput } from '../../../main/gan/models/options.js';
import { tf } from '../../../main/gan/tf.js';
import { useTestBackend } from '../../helpers/backend.js';
import { trainStraightAndResumed } from '../../helpers/resume-check.js';
import { disposePairs, syntheticPairs } from '../../helpers/synthetic-batches.js';

let dir = '';
beforeAll(async () => {
  await useTestBackend();
  dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-cut-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const tiny = {
  model: 'cut',
  netG: 'resnet_6blocks',
  ngf: 4,
  ndf: 4,
  netF_nc: 8,
  num_patches: 8,
  crop_size: 32,
  load_size: 32,
  seed: 3,
} as const;

async function weights(model: GanModel): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [n, net] of model.networks()) for (const [k, t] of await net.torchStateDict()) out.set(`${n}.${k}`, t.data as Float32Array);
  return out;
}

function differing(a: Map<string, Float32Array>, b: Map<string, Float32Array>): string[] {
  return [...a].filter(([k, v]) => !b.has(k) || v.some((x, i) => x !== b.get(k)![i])).map(([k]) => k);
}

describe.each([
  ['CUT (identity NCE)', { ...tiny, CUT_mode: 'CUT' }],
  ['FastCUT (flips)', { ...tiny, CUT_mode: 'FastCUT' }],
] as const)('%s', (_name, options: typeof tiny & { CUT_mode: 'CUT' | 'FastCUT' }) => {
  it('resumes exactly: 4 steps straight = 2 + save + load + 2, patch draws and flips included', async () => {
    const data = syntheticPairs(4, 32, 11);
    const { straight, resumed } = await trainStraightAndResumed(options, data, path.join(dir, `${String(options.CUT_mode)}.tandem`));
    expect(differing(await weights(straight), await weights(resumed))).toEqual([]);
    expect(resumed.currentLosses()).toEqual(straight.currentLosses());
    straight.dispose();
    resumed.dispose();
    disposePairs(data);
  });

  it('keeps the tensor count flat across steps, and reports the official losses and visuals', async () => {
    const data = syntheticPairs(2, 32, 5);
    const model = createModel(options);
    model.setInput(data[0]!);
    await model.optimizeParameters(); // data-dependent initialisation and the first Adam moments
    await model.optimizeParameters();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 6; i++) {
      model.setInput(data[i % 2]!);
      await model.optimizeParameters();
    }
    expect(tf.memory().numTensors).toBe(before);
    const idt = options.CUT_mode === 'CUT';
    expect(Object.keys(model.currentLosses())).toEqual(['G_GAN', 'D_real', 'D_fake', 'G', 'NCE', ...(idt ? ['NCE_Y'] : [])]);
    expect([...model.currentVisuals().keys()].sort()).toEqual(['fake_B', 'real_A', 'real_B', ...(idt ? ['idt_B'] : [])].sort());
    model.dispose();
    disposePairs(data);
  });
});

describe('CUT options', () => {
  it('takes each mode’s defaults from one place, and lets a given option win', () => {
    const cut = createModel({ ...tiny });
    const fast = createModel({ ...tiny, CUT_mode: 'FastCUT' });
    const pick = (m: GanModel) => {
      const o = m.options as Record<string, unknown>;
      return [o.lambda_NCE, o.nce_idt, o.flip_equivariance, o.n_epochs, o.n_epochs_decay, o.init_type];
    };
    expect(pick(cut)).toEqual([1, true, false, 200, 200, 'xavier']);
    expect(pick(fast)).toEqual([10, false, true, 150, 50, 'xavier']);
    const mixed = createModel({ ...tiny, CUT_mode: 'FastCUT', nce_idt: true, n_epochs: 5 });
    expect(pick(mixed)).toEqual([10, true, true, 5, 50, 'xavier']);
    for (const m of [cut, fast, mixed]) m.dispose();
    expect(() => createModel({ ...tiny, nce_layers: '0,4,99' })).toThrow(/nce_layers/);
    expect(() => createModel({ ...tiny, nce_layers: 'all' } as ModelOptionsInput)).toThrow(/--nce_layers/);
  });
});

describe('CUT memory plan (fitted to wasm heaps measured at crops 64 and 128)', () => {
  it('estimates at or above the measured heaps, fits FastCUT at 256 with checkpointing and refuses CUT there naming a crop', () => {
    const at = (crop: number, mode: 'CUT' | 'FastCUT') =>
      resolveOptions({ model: 'cut', CUT_mode: mode, crop_size: crop, load_size: crop });
    // Measured after two steps, resnet_9blocks ngf/ndf 64, no checkpointing (MB).
    for (const [crop, mode, heap] of [
      [64, 'CUT', 1068],
      [64, 'FastCUT', 907],
      [128, 'CUT', 2013],
      [128, 'FastCUT', 1532],
    ] as const) {
      const estimate = estimatePeakMB(at(crop, mode), crop, false);
      expect(estimate).toBeGreaterThanOrEqual(heap);
      expect(estimate).toBeLessThan(heap * 1.15);
    }
    expect(assertFits(at(256, 'FastCUT'), 256, 'wasm')).toMatchObject({ fits: true, checkpointing: true });
    expect(() => assertFits(at(256, 'CUT'), 256, 'wasm')).toThrow(
      /^CUT resnet_9blocks at crop 256 needs ~\d+\.\d GB; the wasm backend has 4 GB: use --crop_size \d+ or smaller/,
    );
  });
});

describe('learning', () => {
  it('a tiny FastCUT run: the NCE loss falls', async () => {
    const data = syntheticPairs(4, 32, 21);
    const model = createModel({ ...tiny, CUT_mode: 'FastCUT', ngf: 8, netF_nc: 16, num_patches: 16, lr: 0.001 });
    const nce: number[] = [];
    for (let i = 0; i < 24; i++) {
      model.setInput(data[i % data.length]!);
      await model.optimizeParameters();
      nce.push(model.currentLosses().NCE!);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(nce.slice(-4))).toBeLessThan(0.8 * mean(nce.slice(0, 4)));
    model.dispose();
    disposePairs(data);
  });
});
