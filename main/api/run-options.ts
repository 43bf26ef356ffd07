// The training options as the studio accepts them: the same names, ranges and defaults as the
// engine's modelOptionsSchema (main/gan/models/options.ts). It is mirrored rather than imported
// because that module pulls in the networks and TensorFlow.js, which the renderer must never load.
// test/unit/api/run-options-parity.test.ts fails when the two drift apart.
import { z } from 'zod';

export const GENERATOR_NAMES = ['resnet_9blocks', 'resnet_6blocks', 'unet_256', 'unet_128'] as const;
export const DISCRIMINATOR_NAMES = ['basic', 'n_layers', 'pixel'] as const;

const common = {
  name: z.string().min(1).max(200).default('experiment_name'),
  input_nc: z.union([z.literal(1), z.literal(3)]).default(3),
  output_nc: z.union([z.literal(1), z.literal(3)]).default(3),
  ngf: z.number().int().min(1).max(1024).default(64),
  ndf: z.number().int().min(1).max(1024).default(64),
  netD: z.enum(DISCRIMINATOR_NAMES).default('basic'),
  n_layers_D: z.number().int().min(1).max(8).default(3),
  init_type: z.enum(['normal', 'xavier', 'kaiming', 'orthogonal']).default('normal'),
  init_gain: z.number().positive().default(0.02),
  direction: z.enum(['AtoB', 'BtoA']).default('AtoB'),
  batch_size: z.number().int().min(1).max(64).default(1),
  load_size: z.number().int().min(4).default(286),
  crop_size: z.number().int().min(4).default(256),
  max_dataset_size: z.number().int().positive().nullable().default(null),
  preprocess: z.enum(['resize_and_crop', 'crop', 'scale_width', 'scale_width_and_crop', 'none']).default('resize_and_crop'),
  no_flip: z.boolean().default(false),
  epoch_count: z.number().int().min(1).default(1),
  n_epochs: z.number().int().min(0).default(100),
  n_epochs_decay: z.number().int().min(0).default(100),
  beta1: z.number().min(0).max(1).default(0.5),
  beta2: z.number().min(0).max(1).default(0.999),
  lr: z.number().positive().default(0.0002),
  lr_policy: z.enum(['linear', 'step', 'plateau', 'cosine']).default('linear'),
  lr_decay_iters: z.number().int().positive().default(50),
  seed: z.number().int().min(0).default(0),
};

// strictObject: a misspelt option ("lambda_l1") is an error, not silently the default.
export const pix2pixRunOptionsSchema = z.strictObject({
  model: z.literal('pix2pix'),
  ...common,
  netG: z.enum(GENERATOR_NAMES).default('unet_256'),
  norm: z.enum(['batch', 'instance', 'none']).default('batch'),
  no_dropout: z.boolean().default(false),
  gan_mode: z.enum(['vanilla', 'lsgan', 'wgangp']).default('vanilla'),
  pool_size: z.number().int().min(0).default(0),
  lambda_L1: z.number().min(0).default(100),
});

export const cycleganRunOptionsSchema = z.strictObject({
  model: z.literal('cyclegan'),
  ...common,
  netG: z.enum(GENERATOR_NAMES).default('resnet_9blocks'),
  norm: z.enum(['batch', 'instance', 'none']).default('instance'),
  no_dropout: z.boolean().default(true),
  gan_mode: z.enum(['vanilla', 'lsgan', 'wgangp']).default('lsgan'),
  pool_size: z.number().int().min(0).default(50),
  lambda_A: z.number().min(0).default(10),
  lambda_B: z.number().min(0).default(10),
  lambda_identity: z.number().min(0).default(0.5),
});

/** Input: only `model` is required; everything else takes the reference's default for that model. */
export const runOptionsSchema = z
  .discriminatedUnion('model', [pix2pixRunOptionsSchema, cycleganRunOptionsSchema])
  .superRefine((o, ctx) => {
    if (o.crop_size > o.load_size && (o.preprocess === 'resize_and_crop' || o.preprocess === 'scale_width_and_crop')) {
      ctx.addIssue({
        code: 'custom',
        path: ['crop_size'],
        message: `crop_size ${o.crop_size} is larger than load_size ${o.load_size}: the crop must fit in the loaded image`,
      });
    }
  });

export type RunOptionsInput = z.input<typeof runOptionsSchema>;
/** Every option filled in: what a run stores and what its checkpoints carry. */
export type ResolvedRunOptions = z.output<typeof runOptionsSchema>;

/** How often the trainer writes samples and checkpoints (counted in images, like the reference). */
export const runScheduleSchema = z.strictObject({
  sampleEvery: z.number().int().min(0).max(1e9).default(400),
  checkpointEvery: z.number().int().min(0).max(1e9).default(5000),
  saveEpochFreq: z.number().int().min(0).max(1e6).default(5),
  numSamples: z.number().int().min(0).max(16).default(4),
});
export type RunSchedule = z.output<typeof runScheduleSchema>;

export const BACKEND_NAMES = ['auto', 'gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
