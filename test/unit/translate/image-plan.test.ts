import { describe, expect, it } from 'vitest';
import type { GeneratorArch } from '../../../main/gan/networks/define.js';
import { checkPlanOptions, planImage } from '../../../main/gan/translate/image-plan.js';
import { largestWholeSize, wholeImageBytes, type EngineMemory } from '../../../main/gan/translate/memory-estimate.js';
import { MemoryGate } from '../../../main/gan/translate/memory-gate.js';
import { minimumSide, peakActivationFloats } from '../../../main/gan/translate/network-limits.js';

const resnet: GeneratorArch = { netG: 'resnet_9blocks', inputNc: 3, outputNc: 3, ngf: 64, norm: 'instance', useDropout: false };
const unet: GeneratorArch = { netG: 'unet_256', inputNc: 3, outputNc: 3, ngf: 64, norm: 'batch', useDropout: true };
const native: EngineMemory = { kind: 'native', capBytes: Infinity };
const GB = 2 ** 30;

describe('what a network can take', () => {
  it('knows the smallest side: ResNets need 5 px (a 4 px side is 1 px deep inside), U-Nets mirror up from 1', () => {
    expect(minimumSide(resnet)).toBe(5);
    expect(minimumSide({ ...resnet, netG: 'resnet_6blocks' })).toBe(5);
    expect(minimumSide(unet)).toBe(1);
  });

  it('estimates the peak of a whole pass from the layers: full-size 64-channel maps dominate a ResNet', () => {
    // At the head: the 3-channel input, its padded copy, the 7×7 conv's 64-channel output.
    const floats = peakActivationFloats(resnet, 1024, 1024);
    expect(floats).toBeGreaterThan(2 * 64 * 1024 * 1024);
    expect(floats).toBeLessThan(3 * 64 * 1024 * 1024);
    // Measured on onnxruntime (CPU): 2.2 GB peak RSS at 1 MP, 4.7 GB at 3.1 MP.
    expect(wholeImageBytes(resnet, native, 1024, 1024) / GB).toBeGreaterThan(1.5);
    expect(wholeImageBytes(resnet, native, 1024, 1024) / GB).toBeLessThan(2.5);
    expect(wholeImageBytes(resnet, native, 2048, 1536) / GB).toBeGreaterThan(4);
    expect(wholeImageBytes(resnet, native, 2048, 1536) / GB).toBeLessThan(5.5);
  });
});

describe('planning an image', () => {
  const exact = { tile: 0, stats: 'exact' } as const;

  it('translates whole what fits, in exact tiles what does not, approximate tiles only when asked', () => {
    expect(planImage(resnet, 1024, 768, native, 8 * GB, exact).path).toBe('whole');
    const big = planImage(resnet, 8000, 6000, native, 8 * GB, exact);
    expect(big.path).toBe('exact-tiles');
    expect(big.reason).toMatch(/too large to translate whole \(est\. \d+\.\d GB, 8\.0 GB available\)/);
    expect(planImage(resnet, 1024, 768, native, 8 * GB, { tile: 256, stats: 'exact' }).path).toBe('exact-tiles');
    const approx = planImage(resnet, 8000, 6000, native, 8 * GB, { tile: 0, stats: 'overview' });
    expect(approx.path).toBe('overview-tiles');
    expect(approx.reason).toMatch(/approximate/);
  });

  it('refuses a too-small image in pixels per side', () => {
    expect(() => planImage(resnet, 4, 300, native, 8 * GB, exact)).toThrow(
      'too small: 4×300 px; resnet_9blocks needs at least 5 px per side',
    );
  });

  it('never tiles a U-Net: a forced tile is refused, and a too-large image gets the size that fits and --resize', () => {
    expect(() => checkPlanOptions(unet, { tile: 512, stats: 'exact' })).toThrow(/unet_256 cannot be tiled/);
    let message = '';
    try {
      planImage(unet, 8000, 6000, native, 4 * GB, exact);
    } catch (e) {
      message = (e as Error).message;
    }
    const m = /largest that fits is about (\d+)×(\d+): use --resize (\d+)/.exec(message);
    expect(m, message).not.toBeNull();
    const [w, h, side] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(side).toBe(w);
    expect(w / h).toBeCloseTo(8000 / 6000, 2);
    // The size named fits, and a little more would not.
    expect(planImage(unet, w, h, native, 4 * GB, exact).path).toBe('whole');
    expect(largestWholeSize(unet, native, 4 * GB, 8000, 6000).width).toBe(w);
    expect(() => planImage(unet, Math.round(w * 1.1), Math.round(h * 1.1), native, 4 * GB, exact)).toThrow(/too large/);
  });
});

describe('memory gate', () => {
  it('runs work side by side while it fits, queues the rest in order, and always lets one through', async () => {
    const gate = new MemoryGate(100);
    const order: string[] = [];
    const a = await gate.acquire(60);
    const pending = [gate.acquire(60).then((r) => (order.push('b'), r)), gate.acquire(10).then((r) => (order.push('c'), r))];
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]); // b waits for room; c waits behind b
    a();
    const [b, c] = await Promise.all(pending);
    expect(order).toEqual(['b', 'c']);
    b!();
    c!();
    const huge = await gate.acquire(1000); // larger than the budget, but alone
    huge();
  });
});
