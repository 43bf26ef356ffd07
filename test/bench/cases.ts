import type { ModelOptionsInput } from '../../main/gan/models/options.js';

export interface TrainCase {
  kind: 'train';
  options: ModelOptionsInput;
  size: number;
  /** PyTorch CPU, 2 threads, on a machine like ours (seconds per iteration). */
  reference: number;
}

export interface InferCase {
  kind: 'infer';
  netG: 'resnet_9blocks' | 'unet_256';
  norm: 'instance' | 'batch';
  size: number;
  reference: number;
}

export const TRAIN_CASES: Record<string, TrainCase> = {
  pix2pix_unet256_256: { kind: 'train', options: { model: 'pix2pix' }, size: 256, reference: 1.88 },
  cyclegan_resnet9_128: { kind: 'train', options: { model: 'cyclegan', crop_size: 128, load_size: 143 }, size: 128, reference: 2.74 },
  cyclegan_resnet9_256: { kind: 'train', options: { model: 'cyclegan' }, size: 256, reference: 9.38 },
};

export const INFER_CASES: Record<string, InferCase> = {
  resnet9_256: { kind: 'infer', netG: 'resnet_9blocks', norm: 'instance', size: 256, reference: 0.63 },
  unet256_256: { kind: 'infer', netG: 'unet_256', norm: 'batch', size: 256, reference: 0.135 },
};

export type CaseName = keyof typeof TRAIN_CASES | keyof typeof INFER_CASES;

export function findCase(name: string): TrainCase | InferCase | undefined {
  return TRAIN_CASES[name] ?? INFER_CASES[name];
}
