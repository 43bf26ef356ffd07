// What a WebGPU device can hold. WebGPU does not say how much memory a GPU has, only the largest
// buffer one program may bind; so the largest tensor is checked before training starts, and the
// memory the backend held when an allocation failed is taken as the adapter's capacity.
import { sizeMultiple } from '../networks/define.js';
import { estimatePeakMB, type PlanOptions } from './memory-plan.js';

/**
 * Channels × spatial scale² of the widest tensor a step makes, per input pixel: the ResNet stem's
 * ngf channels at full size, the U-Net's outer concat (2·ngf at half size), the pixel
 * discriminator's 2·ndf at full size, the PatchGAN's first ndf at half size, and the images.
 */
function widestPerPixel(o: PlanOptions): number {
  const generator = o.netG.startsWith('resnet') ? o.ngf : o.ngf / 2;
  const discriminator = o.netD === 'pixel' ? 2 * o.ndf : o.ndf / 4;
  return Math.max(generator, discriminator, o.input_nc + o.output_nc);
}

export function largestTensorBytes(o: PlanOptions, crop: number): number {
  return 4 * o.batch_size * crop * crop * widestPerPixel(o);
}

function largestCrop(o: PlanOptions, crop: number, fits: (c: number) => boolean): number {
  const step = sizeMultiple(o.netG);
  for (let c = Math.floor(crop / step) * step; c >= step; c -= step) if (fits(c)) return c;
  return 0;
}

function what(o: PlanOptions, crop: number): string {
  const batch = o.batch_size > 1 ? ` with batch ${o.batch_size}` : '';
  return `${o.model === 'cyclegan' ? 'CycleGAN' : 'pix2pix'} ${o.netG} at crop ${crop}${batch}`;
}

function advice(crop: number): string {
  return crop > 0 ? `use --crop_size ${crop} or smaller` : 'use a smaller --ngf/--ndf or batch size';
}

/** Refuses, before anything runs, a step whose widest tensor exceeds what the device can bind. */
export function assertFitsGpuBuffers(o: PlanOptions, crop: number, maxTensorBytes: number, adapterName: string): void {
  const bytes = largestTensorBytes(o, crop);
  if (bytes <= maxTensorBytes) return;
  const mb = (b: number) => Math.ceil(b / 2 ** 20);
  const fitting = largestCrop(o, crop, (c) => largestTensorBytes(o, c) <= maxTensorBytes);
  const limit = `${adapterName} takes at most ${mb(maxTensorBytes)} MB in one`;
  throw new Error(`${what(o, crop)} needs a ${mb(bytes)} MB tensor; ${limit}: ${advice(fitting)}`);
}

/**
 * The user's answer to a GPU out-of-memory error: the largest crop whose estimated step peak (the
 * wasm-calibrated estimate of memory-plan.ts) fits in what the backend held when memory ran out.
 */
export function gpuOutOfMemoryAdvice(o: PlanOptions, crop: number, capacityBytes: number): string {
  const capacityMB = capacityBytes / 2 ** 20;
  const fitting = largestCrop(o, crop - 1, (c) => Math.min(estimatePeakMB(o, c, false), estimatePeakMB(o, c, true)) <= capacityMB);
  return `${what(o, crop)} does not fit in ~${(capacityMB / 1024).toFixed(1)} GB: ${advice(fitting)}`;
}
