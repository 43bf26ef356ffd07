import { beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../../../main/gan/models/create-model.js';
import type { ModelOptionsInput } from '../../../main/gan/models/options.js';
import { useTestBackend } from '../../helpers/backend.js';
import { disposePairs, syntheticPairs } from '../../helpers/synthetic-batches.js';

beforeAll(useTestBackend);

describe.each(['vanilla', 'lsgan', 'wgangp'] as const)('gan_mode %s', (mode) => {
  it.each<ModelOptionsInput>([
    { model: 'pix2pix', netG: 'resnet_6blocks', netD: 'pixel', ngf: 4, ndf: 4, gan_mode: mode },
    { model: 'cyclegan', netG: 'resnet_6blocks', netD: 'n_layers', n_layers_D: 2, ngf: 4, ndf: 4, gan_mode: mode },
  ])('$model trains a step with finite losses', async (options) => {
    const [pair] = syntheticPairs(1, 32, 9);
    const model = createModel(options);
    model.setInput(pair!);
    await model.optimizeParameters();
    await model.optimizeParameters();
    const losses = Object.values(model.currentLosses());
    expect(losses.length).toBeGreaterThanOrEqual(4);
    expect(losses.every(Number.isFinite)).toBe(true);
    model.dispose();
    disposePairs([pair!]);
  });
});
