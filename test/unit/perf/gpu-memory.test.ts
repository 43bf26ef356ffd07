import { describe, expect, it } from 'vitest';
import { assertFitsGpuBuffers, gpuOutOfMemoryAdvice, largestTensorBytes } from '../../../main/gan/models/gpu-memory.js';
import { estimatePeakMB, memoryLimitMB } from '../../../main/gan/models/memory-plan.js';
import { resolveOptions } from '../../../main/gan/models/options.js';

const GiB = 2 ** 30;
const cyclegan = (crop: number) => resolveOptions({ model: 'cyclegan', crop_size: crop, load_size: crop });

describe('GPU memory (webgpu)', () => {
  it('finds the widest tensor of a step: the ResNet stem, the U-Net outer concat, the pixel discriminator', () => {
    expect(largestTensorBytes(cyclegan(256), 256)).toBe(4 * 256 * 256 * 64);
    const unet = resolveOptions({ model: 'pix2pix', netG: 'unet_256', batch_size: 2 });
    expect(largestTensorBytes(unet, 256)).toBe(4 * 2 * 256 * 256 * 32);
    const pixel = resolveOptions({ model: 'pix2pix', netG: 'unet_256', netD: 'pixel' });
    expect(largestTensorBytes(pixel, 256)).toBe(4 * 256 * 256 * 128);
  });

  it('refuses a crop whose widest tensor a device cannot bind, naming the largest that it can', () => {
    expect(() => assertFitsGpuBuffers(cyclegan(2048), 2048, GiB, 'SwiftShader driver 5.0.0')).not.toThrow();
    expect(() => assertFitsGpuBuffers(cyclegan(4096), 4096, GiB, 'SwiftShader driver 5.0.0')).toThrow(
      'CycleGAN resnet_9blocks at crop 4096 needs a 4096 MB tensor; SwiftShader driver 5.0.0 takes at most 1024 MB in one: use --crop_size 2048 or smaller',
    );
    const unet = resolveOptions({ model: 'pix2pix', netG: 'unet_256', batch_size: 4 });
    expect(() => assertFitsGpuBuffers(unet, 512, 128 * 2 ** 20, 'Intel UHD Graphics 630')).not.toThrow();
    expect(() => assertFitsGpuBuffers(unet, 512, 64 * 2 ** 20, 'Intel UHD Graphics 630')).toThrow(
      'pix2pix unet_256 at crop 512 with batch 4 needs a 128 MB tensor; Intel UHD Graphics 630 takes at most 64 MB in one: use --crop_size 256 or smaller',
    );
  });

  it('answers an out-of-memory with the largest crop whose step fits in what the GPU held', () => {
    const o = cyclegan(512);
    const heldAt300 = Math.min(estimatePeakMB(o, 300, false), estimatePeakMB(o, 300, true)) * 2 ** 20;
    expect(gpuOutOfMemoryAdvice(o, 512, heldAt300)).toMatch(
      /^CycleGAN resnet_9blocks at crop 512 does not fit in ~\d+\.\d GB: use --crop_size 300 or smaller$/,
    );
    expect(gpuOutOfMemoryAdvice(o, 512, 2 ** 20)).toMatch(/use a smaller --ngf\/--ndf or batch size$/);
    // WebGPU does not report a GPU's memory: nothing is refused up front for its total.
    expect(memoryLimitMB('webgpu')).toBe(Number.POSITIVE_INFINITY);
  });
});
