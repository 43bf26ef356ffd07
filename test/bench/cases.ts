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

/**
 * One camera-sized photo (JPEG in, JPEG out) through `translateFolder` with default settings: the
 * engine and path (whole or exact tiles) are chosen as for a user. `tile` forces exact tiles.
 * Reference: PyTorch (CPU, 2 threads) translating the same image whole (test/bench/torch_photo.py).
 */
export interface PhotoCase {
  kind: 'photo';
  width: number;
  height: number;
  tile?: number;
  /** null until measured on this kind of machine. */
  reference: number | null;
}

/** The share of a training iteration spent waiting for data (pix2pix on the demo data at 256). */
export interface DataCase {
  kind: 'data';
  iterations: number;
  reference: number;
}

/** PyTorch 1.13 (Debian, CPU, 2 threads), resnet_9blocks ngf 64 eval, one 4000×3000 image whole: 559 s, 11.2 GB peak RSS (test/bench/torch_photo.py, measured 2026-12-08). */
const REFERENCE_12MP_SECONDS: number | null = 559;

export const TRAIN_CASES: Record<string, TrainCase> = {
  pix2pix_unet256_256: { kind: 'train', options: { model: 'pix2pix' }, size: 256, reference: 1.88 },
  cyclegan_resnet9_128: { kind: 'train', options: { model: 'cyclegan', crop_size: 128, load_size: 143 }, size: 128, reference: 2.74 },
  cyclegan_resnet9_256: { kind: 'train', options: { model: 'cyclegan' }, size: 256, reference: 9.38 },
  // CUT and FastCUT (official code at b3ac2977, PyTorch 1.13 CPU, 2 threads; issue 13 measured 9.9 s
  // and 5.0 s at 256 against 11.9 s for the reference CycleGAN on the same machine).
  cut_resnet9_128: { kind: 'train', options: { model: 'cut', crop_size: 128, load_size: 143 }, size: 128, reference: null },
  fastcut_resnet9_128: {
    kind: 'train',
    options: { model: 'cut', CUT_mode: 'FastCUT', crop_size: 128, load_size: 143 },
    size: 128,
    reference: null,
  },
  cut_resnet9_256: { kind: 'train', options: { model: 'cut' }, size: 256, reference: 9.9 },
  fastcut_resnet9_256: { kind: 'train', options: { model: 'cut', CUT_mode: 'FastCUT' }, size: 256, reference: 5.0 },
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

export const PHOTO_CASES: Record<string, PhotoCase> = {
  translate_resnet9_12mp: { kind: 'photo', width: 4000, height: 3000, reference: REFERENCE_12MP_SECONDS },
  translate_resnet9_12mp_tiled: { kind: 'photo', width: 4000, height: 3000, tile: 1024, reference: REFERENCE_12MP_SECONDS },
};

export const DATA_CASES: Record<string, DataCase> = {
  data_loading_share_pix2pix_256: { kind: 'data', iterations: 6, reference: 0.05 },
};

export const ALL_CASES = { ...TRAIN_CASES, ...INFER_CASES, ...EXPORT_CASES, ...PHOTO_CASES, ...DATA_CASES };

export type BenchCase = TrainCase | InferCase | ExportCase | PhotoCase | DataCase;

export function findCase(name: string): BenchCase | undefined {
  return (ALL_CASES as Record<string, BenchCase>)[name];
}
