import os from 'node:os';
import { sizeMultiple } from '../networks/define.js';
import type { ModelOptions } from './options.js';

/**
 * How much memory one training step needs, decided before anything is allocated: whether to
 * checkpoint the generators' ResNet blocks, and whether the run can fit at all.
 *
 * The estimate is analytic — parameter count and "activation units" (Σ over conv layers of output
 * channels × spatial scale², per input pixel) read off the architecture — with two factors
 * calibrated against measured wasm heap peaks (test/perf/memory-plan.test.ts re-measures them;
 * calibration table in CALIBRATION below).
 */
export interface MemoryPlan {
  checkpointing: boolean;
  estimatedPeakMB: number;
  /** The memory the estimate was held against. */
  limitMB: number;
  fits: boolean;
  /** The largest crop (a multiple the generator accepts) that fits with the best setting; 0 if none. */
  largestFittingCrop: number;
}

export type PlanOptions = Pick<
  ModelOptions,
  'model' | 'netG' | 'netD' | 'ngf' | 'ndf' | 'n_layers_D' | 'input_nc' | 'output_nc' | 'batch_size'
> & { lambda_identity?: number; nce_idt?: boolean };

/**
 * Bytes per parameter held through a step: weights, Adam's two moments, the gradient, a running
 * sum of per-term gradients (CycleGAN), XNNPACK's packed copy of each conv filter and the heap
 * fragmentation they leave (fitted: ~7.9 floats per parameter at ngf 32 and 64).
 */
const BYTES_PER_PARAM = 32;
/**
 * U-Nets hold more per parameter: their 4×4×512×1024 up-conv filters are re-packed by XNNPACK
 * every call and the large temporaries fragment the heap (pix2pix unet_256 at 256: 2595 MB heap
 * measured, i.e. ~39 bytes per parameter with the activations counted as below).
 */
const UNET_BYTES_PER_PARAM = 40;
/**
 * Bytes per activation unit per pixel: how many float tensors of a conv output's size stay alive
 * at the peak of a step (saved for the backward + gradients accumulated by the tape), times 4.
 * Fitted to the wasm heap after 3 CycleGAN steps (resnet_9blocks, ngf/ndf 64) at crops 64, 128
 * and 256: 34–37 bytes/unit with or without checkpointing (whose unit count is far smaller: a
 * checkpointed ResNet block keeps only its input and the gradient reaching it); 40 leaves room for
 * the run-to-run spread of heap fragmentation (±6% seen at crop 128).
 */
const BYTES_PER_UNIT = 40;
/** Fixed cost: the wasm module and its initial heap, the thread pool's stacks, small buffers. */
const BASE_MB = 64;
/** The wasm32 heap cannot pass 4 GiB; leave room for fragmentation and transient buffers. */
const WASM_LIMIT_MB = 4096 - 512;

interface ArchCost {
  params: number;
  bytesPerParam: number;
  /** Activation units per input pixel when everything is kept for the backward. */
  units: number;
  /** The same with ResNet blocks checkpointed (equal to units when there is nothing to checkpoint). */
  unitsCheckpointed: number;
}

function resnetCost(inC: number, outC: number, ngf: number, blocks: number): ArchCost {
  const c4 = 4 * ngf;
  const params =
    49 * inC * ngf +
    9 * ngf * 2 * ngf +
    9 * 2 * ngf * c4 +
    blocks * 2 * 9 * c4 * c4 +
    9 * c4 * 2 * ngf +
    9 * 2 * ngf * ngf +
    49 * ngf * outC;
  // Stem and head at full size, one down/up at 1/2 (scale² 1/4), blocks at 1/4 (scale² 1/16).
  const outer = 2 * ngf + 2 * ((2 * ngf) / 4) + c4 / 16 + outC;
  const blockUnits = (2 * c4) / 16;
  // Checkpointed: each block keeps its input; the block being differentiated exists in full.
  return {
    params,
    bytesPerParam: BYTES_PER_PARAM,
    units: outer + blocks * blockUnits,
    unitsCheckpointed: outer + blocks * (c4 / 16) * 0.25 + blockUnits,
  };
}

function unetCost(inC: number, outC: number, ngf: number, downs: number): ArchCost {
  const inner = (k: number) => ngf * Math.min(2 ** (k - 1), 8); // channels after down conv k (1-based)
  let params = 0;
  let units = 0;
  for (let k = 1; k <= downs; k++) {
    const down = k === 1 ? inC : inner(k - 1);
    const upIn = k === downs ? inner(k) : 2 * inner(k);
    const upOut = k === 1 ? outC : inner(k - 1);
    params += 16 * down * inner(k) + 16 * upIn * upOut;
    units += inner(k) / 4 ** k + upOut / 4 ** (k - 1);
  }
  return { params, bytesPerParam: UNET_BYTES_PER_PARAM, units, unitsCheckpointed: units };
}

function discriminatorCost(inC: number, ndf: number, netD: PlanOptions['netD'], nLayers: number): ArchCost {
  if (netD === 'pixel') {
    const units = ndf + 2 * ndf + 1;
    return { params: inC * ndf + 2 * ndf * ndf + 2 * ndf, bytesPerParam: BYTES_PER_PARAM, units, unitsCheckpointed: units };
  }
  const n = netD === 'basic' ? 3 : nLayers;
  let params = 16 * inC * ndf;
  let units = ndf / 4;
  let prev = ndf;
  for (let i = 1; i <= n; i++) {
    const c = ndf * Math.min(2 ** i, 8);
    const scale = i < n ? 4 ** (i + 1) : 4 ** n;
    params += 16 * prev * c;
    units += c / scale;
    prev = c;
  }
  params += 16 * prev;
  return { params, bytesPerParam: BYTES_PER_PARAM, units, unitsCheckpointed: units };
}

function generatorCost(o: PlanOptions, inC: number, outC: number): ArchCost {
  switch (o.netG) {
    case 'resnet_9blocks':
      return resnetCost(inC, outC, o.ngf, 9);
    case 'resnet_6blocks':
      return resnetCost(inC, outC, o.ngf, 6);
    case 'unet_256':
      return unetCost(inC, outC, o.ngf, 8);
    case 'unet_128':
      return unetCost(inC, outC, o.ngf, 7);
  }
}

/**
 * CUT's fixed cost beyond its networks' parameters (F and its optimiser, the third Adam, the NCE
 * buffers, the heap's growth steps). With the units factors above it reproduces the wasm heap after
 * two steps of CUT / FastCUT (resnet_9blocks, ngf/ndf 64, no checkpointing), measured at crop 64:
 * 1068 / 907 MB and crop 128: 2013 / 1532 MB (CycleGAN there: 950 and 1273 MB).
 */
const CUT_FIXED_MB = 256;

/**
 * CUT's anti-aliased ResNet: its down convs run at stride 1 before a blur pool and its up convs
 * after a ×2 upsampling, so the first down and last up maps are at full size, the second ones at ½.
 */
function cutGeneratorCost(o: PlanOptions): ArchCost {
  const base = generatorCost(o, o.input_nc, o.output_nc);
  const ngf = o.ngf;
  const extra = 2 * ngf * (1 - 1 / 4) + 4 * ngf * (1 / 4 - 1 / 16) + (4 * ngf) / 4 + 2 * ngf;
  return { ...base, units: base.units + extra, unitsCheckpointed: base.unitsCheckpointed + extra };
}

/** Estimated peak of one training step in MB, with or without checkpointing. */
export function estimatePeakMB(o: PlanOptions, crop: number, checkpointing: boolean): number {
  const pick = (c: ArchCost) => (checkpointing ? c.unitsCheckpointed : c.units);
  let paramBytes: number;
  let units: number;
  if (o.model === 'cut') {
    const g = cutGeneratorCost(o);
    const d = discriminatorCost(o.output_nc, o.ndf, o.netD, o.n_layers_D);
    paramBytes = g.params * g.bytesPerParam + d.params * d.bytesPerParam + CUT_FIXED_MB * 2 ** 20;
    // G on A (and B with nce_idt), the NCE query passes through G's first 17 layers on each output,
    // the D step (run inside G's tape) and G_GAN's D pass: fitted to measured heaps (CUT_FIXED_MB).
    units = (o.nce_idt ? 2.4 : 1.55) * pick(g) + 3 * pick(d);
  } else if (o.model === 'cyclegan') {
    const g = generatorCost(o, o.input_nc, o.output_nc);
    const d = discriminatorCost(o.output_nc, o.ndf, o.netD, o.n_layers_D);
    paramBytes = 2 * g.params * g.bytesPerParam + 2 * d.params * d.bytesPerParam;
    // The first loss term holds G_A, G_B and D_A passes; the D step four D passes.
    units = Math.max(2 * pick(g) + pick(d), 4 * pick(d));
  } else {
    const g = generatorCost(o, o.input_nc, o.output_nc);
    const d = discriminatorCost(o.input_nc + o.output_nc, o.ndf, o.netD, o.n_layers_D);
    paramBytes = g.params * g.bytesPerParam + d.params * d.bytesPerParam;
    units = pick(g) + 3 * pick(d);
  }
  const bytes = paramBytes + units * BYTES_PER_UNIT * crop * crop * o.batch_size;
  return Math.round(bytes / 2 ** 20 + BASE_MB);
}

/**
 * What a backend can hold: the wasm heap's 4 GiB ceiling, else most of the machine's memory.
 * WebGPU does not report a GPU's memory: there, gpu-memory.ts checks the largest tensor before
 * training and the trainer catches out-of-memory during a step.
 */
export function memoryLimitMB(backendName: string): number {
  if (backendName === 'wasm') return WASM_LIMIT_MB;
  if (backendName === 'webgpu') return Number.POSITIVE_INFINITY;
  return Math.floor((os.totalmem() / 2 ** 20) * 0.8);
}

/**
 * Checkpointing costs a second forward of each ResNet block (~+15% step time), so it is chosen
 * only when the plain step would not fit.
 */
export function planMemory(o: PlanOptions, crop: number, limitMB = memoryLimitMB('wasm')): MemoryPlan {
  const plain = estimatePeakMB(o, crop, false);
  const checkpointed = estimatePeakMB(o, crop, true);
  const checkpointing = plain > limitMB && checkpointed < plain;
  const estimatedPeakMB = checkpointing ? checkpointed : plain;
  const step = sizeMultiple(o.netG);
  let largestFittingCrop = 0;
  for (let c = Math.floor(crop / step) * step; c >= step; c -= step) {
    if (Math.min(estimatePeakMB(o, c, false), estimatePeakMB(o, c, true)) <= limitMB) {
      largestFittingCrop = c;
      break;
    }
  }
  if (estimatedPeakMB <= limitMB) largestFittingCrop = crop;
  return { checkpointing, estimatedPeakMB, limitMB, fits: estimatedPeakMB <= limitMB, largestFittingCrop };
}

/** Env override for measurements: TANDEM_CHECKPOINT=1 forces checkpointing, 0 forbids it. */
export function checkpointingFor(o: PlanOptions, crop: number, backendName: string): boolean {
  const forced = process.env.TANDEM_CHECKPOINT;
  if (forced === '1' || forced === '0') return forced === '1';
  return planMemory(o, crop, memoryLimitMB(backendName)).checkpointing;
}

/**
 * Refuses, before training starts, a configuration whose step cannot fit in the backend's memory,
 * naming the largest crop that does.
 */
export function assertFits(o: PlanOptions, crop: number, backendName: string): MemoryPlan {
  const limitMB = memoryLimitMB(backendName);
  const plan = planMemory(o, crop, limitMB);
  if (plan.fits) return plan;
  const gb = (mb: number) => (mb / 1024).toFixed(1);
  const what = `${{ cyclegan: 'CycleGAN', pix2pix: 'pix2pix', cut: 'CUT' }[o.model]} ${o.netG} at crop ${crop}${o.batch_size > 1 ? ` with batch ${o.batch_size}` : ''}`;
  const where = backendName === 'wasm' ? 'the wasm backend has 4 GB' : `this machine allows ~${gb(limitMB)} GB`;
  const advice =
    plan.largestFittingCrop > 0 ? `use --crop_size ${plan.largestFittingCrop} or smaller` : 'use a smaller --ngf/--ndf or batch size';
  const native = backendName === 'wasm' ? ', or install tfjs-node' : '';
  throw new Error(`${what} needs ~${gb(plan.estimatedPeakMB)} GB; ${where}: ${advice}${native}`);
}
