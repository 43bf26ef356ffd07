import { beforeAll, describe, expect, it } from 'vitest';
import { evalContext } from '../../../main/gan/layers/context.js';
import { defineD, defineG, type DiscriminatorArch, type GeneratorArch } from '../../../main/gan/networks/define.js';
import { tf } from '../../../main/gan/tf.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

const G = (netG: GeneratorArch['netG'], norm: GeneratorArch['norm']): GeneratorArch => ({
  netG,
  inputNc: 3,
  outputNc: 3,
  ngf: 64,
  norm,
  useDropout: netG.startsWith('unet'),
});
const D = (netD: DiscriminatorArch['netD'], inputNc: number, norm: DiscriminatorArch['norm']): DiscriminatorArch => ({
  netD,
  inputNc,
  ndf: 64,
  nLayersD: 3,
  norm,
});

describe('parameter counts equal the reference', () => {
  it.each([
    ['unet_256 batch', () => defineG('g', G('unet_256', 'batch'), null), 54_413_955],
    ['unet_128 batch', () => defineG('g', G('unet_128', 'batch'), null), 41_828_995],
    ['resnet_9blocks instance', () => defineG('g', G('resnet_9blocks', 'instance'), null), 11_378_179],
    ['resnet_6blocks instance', () => defineG('g', G('resnet_6blocks', 'instance'), null), 7_837_699],
    ['D basic 6ch batch', () => defineD('d', D('basic', 6, 'batch'), null), 2_768_705],
    ['D basic 3ch instance', () => defineD('d', D('basic', 3, 'instance'), null), 2_764_737],
    ['D pixel 6ch batch', () => defineD('d', D('pixel', 6, 'batch'), null), 9_024],
  ])('%s', (_name, build, expected) => {
    const net = build();
    expect(net.parameterCount()).toBe(expected);
    net.dispose();
  });
});

describe('shapes', () => {
  it.each([
    [256, 30],
    [128, 14],
    [64, 6],
  ])('the 70×70 PatchGAN maps %i×%i to %i×%i', (size, out) => {
    const d = defineD('d', { ...D('basic', 3, 'instance'), ndf: 4 }, null);
    const shape = tf.tidy(() => d.forward(tf.zeros([1, size, size, 3]), evalContext).shape);
    expect(shape).toEqual([1, out, out, 1]);
    d.dispose();
  });

  it.each(['resnet_9blocks', 'unet_256', 'unet_128'] as const)('%s keeps the image size', (netG) => {
    const g = defineG('g', { ...G(netG, 'batch'), ngf: 4 }, null);
    const size = netG === 'unet_128' ? 128 : 256;
    const shape = tf.tidy(() => g.forward(tf.zeros([2, size, size, 3]), evalContext).shape);
    expect(shape).toEqual([2, size, size, 3]);
    g.dispose();
  });

  it("norm 'none' follows the reference: no bias on inner convs, Identity keeps the numbering", () => {
    const d = defineD('d', D('basic', 3, 'none'), null);
    const names = d.params.all().map((e) => e.name);
    expect(names).toEqual([
      'model.0.weight',
      'model.0.bias',
      'model.2.weight',
      'model.5.weight',
      'model.8.weight',
      'model.11.weight',
      'model.11.bias',
    ]);
    d.dispose();
  });
});
