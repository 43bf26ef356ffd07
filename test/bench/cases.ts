import type { ModelOptionsInput } from '../../main/gan/models/options.js';

export interface TrainCase {
  kind: 'train';
  options: ModelOptionsInput;
  size: number;
  /** PyTorch CPU, 2 threads, on a machine like ours (seconds per iteration); null where not measured. */
  reference: number | null;
}

export interface InferCase {
  kind: 'infer';
  netG: 'resnet_9blocks' | 'unet_256';
  norm: 'instance' | 'batch';
  size: number;
  reference: number;
}

/** Batch export of a folder of 256×256 PNGs, decode and encode included (engine auto: onnxruntime). */
export interface ExportCase {
  kind: 'export';
  netG: 'resnet_9blocks' | 'unet_256';
  norm: 'instance' | 'batch';
  images: number;
  reference: number;
}

/** The share of a training iteration spent waiting for data (pix2pix on the demo data at 256). */
export interface DataCase {
  kind: 'data';
  iterations: number;
  reference: number;
}

export const TRAIN_CASES: Record<string, TrainCase> = {
  pix2pix_unet256_256: { kind: 'train', options: { model: 'pix2pix' }, size: 256, reference: 1.88 },
  cyclegan_resnet9_128: { kind: 'train', options: { model: 'cyclegan', crop_size: 128, load_size: 143 }, size: 128, reference: 2.74 },
  cyclegan_resnet9_256: { kind: 'train', options: { model: 'cyclegan' }, size: 256, reference: 9.38 },
  // The CycleGAN parity fixture's size: small enough for a software GPU (SwiftShader), e.g.
  // `npm run bench -- --backend webgpu --only cyclegan_resnet6_ngf8_64`.
  cyclegan_resnet6_ngf8_64: {
    kind: 'train',
    options: { model: 'cyclegan', netG: 'resnet_6blocks', ngf: 8, ndf: 8, crop_size: 64, load_size: 64 },
    size: 64,
    reference: null,
  },
};

export const INFER_CASES: Record<string, InferCase> = {
  resnet9_256: { kind: 'infer', netG: 'resnet_9blocks', norm: 'instance', size: 256, reference: 0.63 },
  unet256_256: { kind: 'infer', netG: 'unet_256', norm: 'batch', size: 256, reference: 0.135 },
};

export const EXPORT_CASES: Record<string, ExportCase> = {
  export_resnet9_256: { kind: 'export', netG: 'resnet_9blocks', norm: 'instance', images: 6, reference: 0.63 },
  export_unet256_256: { kind: 'export', netG: 'unet_256', norm: 'batch', images: 12, reference: 0.135 },
};

export const DATA_CASES: Record<string, DataCase> = {
  data_loading_share_pix2pix_256: { kind: 'data', iterations: 6, reference: 0.05 },
};

export const ALL_CASES = { ...TRAIN_CASES, ...INFER_CASES, ...EXPORT_CASES, ...DATA_CASES };

export function findCase(name: string): TrainCase | InferCase | ExportCase | DataCase | undefined {
  return (ALL_CASES as Record<string, TrainCase | InferCase | ExportCase | DataCase>)[name];
}
