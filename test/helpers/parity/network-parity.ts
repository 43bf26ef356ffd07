import { expect, it } from 'vitest';
import { evalContext } from '../../../main/gan/layers/context.js';
import { defineD, defineG } from '../../../main/gan/networks/define.js';
import { tf } from '../../../main/gan/tf.js';
import { maxAbsDiff, nhwc, readParityFixture, stateDictOf } from '../reference-fixtures.js';
import type { NetworkTolerance } from './tolerance.js';

/** The ResNet generator and PatchGAN fixtures on the current backend (register inside a describe). */
export function networkParityTests(tolerance: NetworkTolerance): void {
  it('resnet_6blocks, ngf 8, instance norm', async () => {
    const f = readParityFixture('resnet6_ngf8_instance');
    const g = defineG('G', { netG: 'resnet_6blocks', inputNc: 3, outputNc: 3, ngf: 8, norm: 'instance', useDropout: false }, null);
    g.loadTorchStateDict(stateDictOf(f));
    expect(g.parameterCount()).toBe(124931);
    const [y, expected] = tf.tidy(() => [g.forward(nhwc(f.input), evalContext), nhwc(f.output)]);
    expect(await maxAbsDiff(y!, expected!)).toBeLessThan(tolerance.output);
    tf.dispose([y!, expected!]);
    g.dispose();
  });

  it('basic PatchGAN, ndf 8, instance norm: a 6×6 map at 64×64', async () => {
    const f = readParityFixture('dbasic_ndf8_instance_in3');
    const d = defineD('D', { netD: 'basic', inputNc: 3, ndf: 8, nLayersD: 3, norm: 'instance' }, null);
    d.loadTorchStateDict(stateDictOf(f));
    const [y, expected] = tf.tidy(() => [d.forward(nhwc(f.input), evalContext), nhwc(f.output)]);
    expect(y!.shape).toEqual([1, 6, 6, 1]);
    expect(await maxAbsDiff(y!, expected!)).toBeLessThan(tolerance.output);
    tf.dispose([y!, expected!]);
    d.dispose();
  });
}
