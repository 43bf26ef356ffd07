import { beforeAll, describe, expect, it } from 'vitest';
import { evalContext } from '../../../main/gan/layers/context.js';
import { defineD, defineG } from '../../../main/gan/networks/define.js';
import { tf } from '../../../main/gan/tf.js';
import { useTestBackend } from '../../helpers/backend.js';
import { maxAbsDiff, nhwc, readParityFixture, stateDictOf } from '../../helpers/reference-fixtures.js';

beforeAll(useTestBackend);

describe('networks give the reference outputs for the reference weights', () => {
  it('resnet_6blocks, ngf 8, instance norm', () => {
    const f = readParityFixture('resnet6_ngf8_instance');
    const g = defineG('G', { netG: 'resnet_6blocks', inputNc: 3, outputNc: 3, ngf: 8, norm: 'instance', useDropout: false }, null);
    g.loadTorchStateDict(stateDictOf(f));
    expect(g.parameterCount()).toBe(124931);
    const diff = tf.tidy(() => maxAbsDiff(g.forward(nhwc(f.input), evalContext), nhwc(f.output)));
    expect(diff).toBeLessThan(1e-4);
    g.dispose();
  });

  it('basic PatchGAN, ndf 8, instance norm: a 6×6 map at 64×64', () => {
    const f = readParityFixture('dbasic_ndf8_instance_in3');
    const d = defineD('D', { netD: 'basic', inputNc: 3, ndf: 8, nLayersD: 3, norm: 'instance' }, null);
    d.loadTorchStateDict(stateDictOf(f));
    const diff = tf.tidy(() => {
      const y = d.forward(nhwc(f.input), evalContext);
      expect(y.shape).toEqual([1, 6, 6, 1]);
      return maxAbsDiff(y, nhwc(f.output));
    });
    expect(diff).toBeLessThan(1e-4);
    d.dispose();
  });

  it('refuses weights of another architecture, naming the keys', () => {
    const f = readParityFixture('resnet6_ngf8_instance');
    const g = defineG('G', { netG: 'resnet_9blocks', inputNc: 3, outputNc: 3, ngf: 8, norm: 'instance', useDropout: false }, null);
    expect(() => g.loadTorchStateDict(stateDictOf(f))).toThrow(/missing keys: model\.16\.conv_block\.1\.weight.*unexpected keys: model\.16\.weight/);
    g.dispose();
  });
});
