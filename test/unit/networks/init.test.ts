import { beforeAll, describe, expect, it } from 'vitest';
import { defineD, defineG } from '../../../main/gan/networks/define.js';
import type { InitType } from '../../../main/gan/networks/init.js';
import { Rng } from '../../../main/gan/util/rng.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

function std(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i]!;
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2;
  return Math.sqrt(v / xs.length);
}

const arch = { netD: 'basic' as const, inputNc: 3, ndf: 16, nLayersD: 3, norm: 'batch' as const };

describe('init_weights follows the reference', () => {
  it.each<[InitType, number, (fanIn: number, fanOut: number) => number]>([
    ['normal', 0.02, () => 0.02],
    ['xavier', 0.02, (i, o) => 0.02 * Math.sqrt(2 / (i + o))],
    ['kaiming', 0.02, (i) => Math.sqrt(2 / i)], // the reference ignores init_gain for kaiming
  ])('%s: conv weights have the right spread, biases 0, batch-norm γ ~ N(1, gain)', async (type, gain, expectedStd) => {
    const d = defineD('D', arch, { type, gain, rng: new Rng(5) });
    const sd = await d.torchStateDict();
    // model.5: Conv2d(32, 64, 4) — OIHW, fan_in 32·16, fan_out 64·16
    const w = sd.get('model.5.weight')!;
    expect(std(w.data) / expectedStd(32 * 16, 64 * 16)).toBeCloseTo(1, 1);
    expect([...sd.get('model.0.bias')!.data].every((v) => v === 0)).toBe(true);
    const gamma = sd.get('model.3.weight')!.data; // BatchNorm2d(32) after model.2
    expect(Math.abs([...gamma].reduce((a, b) => a + b, 0) / gamma.length - 1)).toBeLessThan(0.02);
    expect([...sd.get('model.3.bias')!.data].every((v) => v === 0)).toBe(true);
    d.dispose();
  });

  it('orthogonal: rows of the flattened weight are orthogonal with norm = gain', async () => {
    const d = defineD('D', arch, { type: 'orthogonal', gain: 0.5, rng: new Rng(5) });
    const w = (await d.torchStateDict()).get('model.5.weight')!; // 64 rows of 32·16 = 512
    const rows = 64;
    const cols = 512;
    const dot = (a: number, b: number) => {
      let s = 0;
      for (let k = 0; k < cols; k++) s += w.data[a * cols + k]! * w.data[b * cols + k]!;
      return s;
    };
    expect(Math.sqrt(dot(0, 0))).toBeCloseTo(0.5, 4);
    expect(Math.sqrt(dot(rows - 1, rows - 1))).toBeCloseTo(0.5, 4);
    expect(Math.abs(dot(0, 1))).toBeLessThan(1e-5);
    d.dispose();
  });

  it('is reproducible from the seed', async () => {
    const g = async (seed: number) => {
      const net = defineG(
        'G',
        { netG: 'resnet_6blocks', inputNc: 3, outputNc: 3, ngf: 4, norm: 'instance', useDropout: false },
        { type: 'normal', gain: 0.02, rng: new Rng(seed) },
      );
      const data = (await net.torchStateDict()).get('model.1.weight')!.data;
      net.dispose();
      return [...data];
    };
    expect(await g(1)).toEqual(await g(1));
    expect(await g(1)).not.toEqual(await g(2));
  });
});
