// The crop-size rule walks the networks' layers (geometry.ts). These tests hold it against the real
// tfjs networks: the walk predicts what they do at every size tried, and each minimum trains a step.
import { beforeAll, describe, expect, it } from 'vitest';
import { trainContext } from '../../../main/gan/layers/context.js';
import { createModel } from '../../../main/gan/models/create-model.js';
import { resolveOptions, type ModelOptionsInput } from '../../../main/gan/models/options.js';
import { defineCutD, defineCutG } from '../../../main/gan/networks/define-cut.js';
import { defineD, defineG } from '../../../main/gan/networks/define.js';
import {
  discriminatorMinSide,
  discriminatorOutputSide,
  generatorOutputSide,
  generatorSizeRule,
  networkSizeProblem,
} from '../../../main/gan/networks/geometry.js';
import { GENERATORS, type NetD, type NetG } from '../../../main/gan/networks/names.js';
import type { Network } from '../../../main/gan/networks/network.js';
import { tf } from '../../../main/gan/tf.js';
import { useTestBackend } from '../../helpers/backend.js';
import { syntheticPairs } from '../../helpers/synthetic-batches.js';

beforeAll(useTestBackend);

/** The real network's output side for an n×n input in training mode (batch norm, batch 1), or null when it fails. */
function realSide(net: Network, side: number): number | null {
  try {
    const shape = tf.tidy(
      () =>
        net.forward(
          tf.randomNormal([1, side, side, 3]),
          trainContext(() => 1),
        ).shape,
    );
    return shape[1] === shape[2] && shape[1]! > 0 ? shape[1]! : null;
  } catch {
    return null;
  }
}

const generator = (netG: NetG) => defineG('g', { netG, inputNc: 3, outputNc: 3, ngf: 1, norm: 'batch', useDropout: false }, null);
const discriminator = (netD: NetD, nLayersD: number) => defineD('d', { netD, inputNc: 3, ndf: 1, nLayersD, norm: 'batch' }, null);

describe('the size rule follows the real networks', () => {
  it.each([
    ['resnet_9blocks', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 30, 32]],
    ['resnet_6blocks', [4, 7, 8, 12, 14]],
    ['unet_128', [32, 64, 127, 128, 130, 192, 256]],
    ['unet_256', [64, 128, 255, 256, 320, 512]],
  ] as const)('%s: the walk predicts the output size, or the failure, at every size', (netG, sides) => {
    const net = generator(netG);
    try {
      for (const side of sides) expect(realSide(net, side), `${netG} at ${side}`).toBe(generatorOutputSide(netG, side));
    } finally {
      net.dispose();
    }
  });

  it.each([
    ['basic', 3, [16, 22, 23, 24, 25, 32, 70]],
    ['n_layers', 1, [4, 5, 6, 7]],
    ['n_layers', 2, [10, 11, 12, 13]],
    ['n_layers', 4, [40, 47, 48, 49]],
    ['pixel', 3, [1, 2, 3]],
  ] as const)('%s discriminator (n_layers_D %i): the walk predicts the patch map, or the failure', (netD, n, sides) => {
    const net = discriminator(netD, n);
    try {
      for (const side of sides) expect(realSide(net, side), `${netD}/${n} at ${side}`).toBe(discriminatorOutputSide(netD, n, side));
    } finally {
      net.dispose();
    }
  });

  it.each([
    [true, true],
    [true, false],
    [false, true],
  ])("CUT's ResNet generator (anti-aliased down %s, up %s): the walk predicts the output size, or the failure", (down, up) => {
    const net = defineCutG(
      'g',
      { netG: 'resnet_6blocks', inputNc: 3, outputNc: 3, ngf: 1, norm: 'batch', useDropout: false, noAntialias: !down, noAntialiasUp: !up },
      null,
    );
    try {
      for (const side of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16]) {
        expect(realSide(net, side), `at ${side}`).toBe(generatorOutputSide('resnet_6blocks', side, { down, up }));
      }
    } finally {
      net.dispose();
    }
  });

  it.each([
    ['basic', 3, [16, 22, 23, 24, 25, 32]],
    ['n_layers', 1, [2, 3, 4, 5, 6, 7]],
    ['n_layers', 2, [10, 11, 12, 13]],
  ] as const)("CUT's anti-aliased %s discriminator (n_layers_D %i): the walk predicts the patch map, or the failure", (netD, n, sides) => {
    const net = defineCutD('d', { netD, inputNc: 3, ndf: 1, nLayersD: n, norm: 'batch', noAntialias: false }, null);
    try {
      for (const side of sides) expect(realSide(net, side), `${netD}/${n} at ${side}`).toBe(discriminatorOutputSide(netD, n, side, true));
    } finally {
      net.dispose();
    }
  });

  it('reads the rules off the layers: halvings, smallest crop and multiple of each generator and discriminator', () => {
    expect(generatorSizeRule('unet_256')).toEqual({ halvings: 8, minSide: 256, multiple: 256 });
    expect(generatorSizeRule('unet_128')).toEqual({ halvings: 7, minSide: 128, multiple: 128 });
    // The residual blocks' reflection pad needs a 2×2 map after two halvings; the way up needs ×4.
    expect(generatorSizeRule('resnet_9blocks')).toEqual({ halvings: 2, minSide: 8, multiple: 4 });
    expect(generatorSizeRule('resnet_6blocks')).toEqual({ halvings: 2, minSide: 8, multiple: 4 });
    // PatchGAN: n halvings leave floor(side / 2^n), and two 4×4 stride-1 convs take 2 more off.
    expect([1, 2, 3, 4, 5, 8].map((n) => discriminatorMinSide('n_layers', n))).toEqual([6, 12, 24, 48, 96, 768]);
    expect(discriminatorMinSide('basic', 5)).toBe(24);
    for (const netG of GENERATORS) {
      const { minSide, multiple } = generatorSizeRule(netG);
      for (let side = 1; side <= 600; side++) {
        const fits = generatorOutputSide(netG, side) === side;
        expect(fits, `${netG} at ${side}`).toBe(side >= minSide && side % multiple === 0);
      }
    }
  });
});

describe('each minimum is not too strict: one training step at it', () => {
  const stepAt = async (o: ModelOptionsInput, side: number) => {
    const model = createModel({ ...o, ngf: 1, ndf: 1, crop_size: side, load_size: side });
    const [pair] = syntheticPairs(1, side, 3);
    try {
      model.setInput(pair!);
      await model.optimizeParameters();
      const losses = Object.values(model.currentLosses());
      expect(losses.length).toBeGreaterThan(0);
      for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    } finally {
      tf.dispose([pair!.A, pair!.B]);
      model.dispose();
    }
  };

  it.each(GENERATORS)('%s trains on crops of its minimum size (pix2pix, batch norm)', async (netG) => {
    // The pixel discriminator takes any size from 2, so the generator alone sets the minimum.
    await stepAt({ model: 'pix2pix', netG, netD: 'pixel' }, generatorSizeRule(netG).minSide);
  });

  it.each([
    ['basic', 3],
    ['n_layers', 2],
    ['n_layers', 4],
  ] as const)('the %s discriminator (n_layers_D %i) trains on crops of its minimum size', async (netD, n) => {
    const side = discriminatorMinSide(netD, n);
    expect(generatorSizeRule('resnet_6blocks').minSide).toBeLessThanOrEqual(side);
    await stepAt({ model: 'cyclegan', netG: 'resnet_6blocks', netD, n_layers_D: n }, side);
  });

  it("CUT's anti-aliased networks train on crops of the basic discriminator's minimum size", async () => {
    const side = discriminatorMinSide('basic', 3, true);
    expect(generatorSizeRule('resnet_6blocks', { down: true, up: true }).minSide).toBeLessThanOrEqual(side);
    await stepAt({ model: 'cut', netG: 'resnet_6blocks', netF_nc: 4, num_patches: 4 }, side);
    expect(() => resolveOptions({ model: 'cut', crop_size: side - 4, load_size: side })).toThrow(/basic .* needs crops of at least 24/);
  });
});

describe('the refusal, in the user’s terms', () => {
  it('names the generator, how often it halves the image, the smallest crop and what fits instead', () => {
    expect(networkSizeProblem({ netG: 'unet_256', netD: 'basic', n_layers_D: 3, crop_size: 32 })).toBe(
      'unet_256 halves the image 8 times and needs crops of at least 256, not 32: use a crop of 256, or keep 32 with a ResNet generator',
    );
    expect(networkSizeProblem({ netG: 'unet_256', netD: 'basic', n_layers_D: 3, crop_size: 128 })).toBe(
      'unet_256 halves the image 8 times and needs crops of at least 256, not 128: use a crop of 256, or keep 128 with unet_128 or a ResNet generator',
    );
    expect(networkSizeProblem({ netG: 'unet_256', netD: 'basic', n_layers_D: 3, crop_size: 300 })).toMatch(
      /multiple of 256, not 300: use 256 or 512/,
    );
    expect(networkSizeProblem({ netG: 'resnet_9blocks', netD: 'basic', n_layers_D: 3, crop_size: 130 })).toMatch(
      /^resnet_9blocks halves the image twice and doubles it back, so crops must be a multiple of 4, not 130: use 128 or 132$/,
    );
    expect(networkSizeProblem({ netG: 'resnet_9blocks', netD: 'basic', n_layers_D: 3, crop_size: 16 })).toBe(
      'the basic (70×70 PatchGAN) discriminator halves the image 3 times and needs crops of at least 24 to judge any patch, not 16: ' +
        'use a crop of 24, the n_layers discriminator with 2 D layers or the pixel discriminator',
    );
    expect(networkSizeProblem({ netG: 'resnet_6blocks', netD: 'n_layers', n_layers_D: 5, crop_size: 32 })).toMatch(
      /5-layer discriminator .* at least 96 .* use a crop of 96, 3 D layers or/,
    );
    expect(networkSizeProblem({ netG: 'unet_128', netD: 'n_layers', n_layers_D: 5, crop_size: 128 })).toBeNull();
  });

  it('the option schema refuses the crop before anything is built, and only when it crops', () => {
    expect(() => resolveOptions({ model: 'pix2pix', netG: 'unet_256', crop_size: 32, load_size: 40 })).toThrow(
      'invalid training options: --crop_size: unet_256 halves the image 8 times and needs crops of at least 256',
    );
    expect(() => resolveOptions({ model: 'cyclegan', netG: 'resnet_6blocks', crop_size: 16, load_size: 20 })).toThrow(
      /basic \(70×70 PatchGAN\) discriminator/,
    );
    // Without a crop the sizes come from the files; the schema cannot judge them.
    expect(resolveOptions({ model: 'pix2pix', netG: 'unet_256', crop_size: 32, preprocess: 'none' }).crop_size).toBe(32);
  });
});
