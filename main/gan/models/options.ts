import { z } from 'zod';
// Free of TensorFlow.js: the studio's API and the renderer share this schema.
import { networkSizeProblem } from '../networks/geometry.js';
import { DISCRIMINATORS, GENERATORS } from '../networks/names.js';
import { cutOptionFields, withCutModeDefaults } from './cut-options.js';

// The reference's option names (base_options + train_options + each model's
// modify_commandline_options), so its users' commands and checkpoints carry over.
const common = {
  name: z.string().min(1).max(200).default('experiment_name'),
  // Images are gray (1) or colour (3); alpha is composited away when reading.
  input_nc: z.union([z.literal(1), z.literal(3)]).default(3),
  output_nc: z.union([z.literal(1), z.literal(3)]).default(3),
  ngf: z.number().int().min(1).max(1024).default(64),
  ndf: z.number().int().min(1).max(1024).default(64),
  netD: z.enum(DISCRIMINATORS).default('basic'),
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
export const pix2pixOptionsSchema = z.strictObject({
  model: z.literal('pix2pix'),
  ...common,
  netG: z.enum(GENERATORS).default('unet_256'),
  norm: z.enum(['batch', 'instance', 'none']).default('batch'),
  no_dropout: z.boolean().default(false),
  gan_mode: z.enum(['vanilla', 'lsgan', 'wgangp']).default('vanilla'),
  pool_size: z.number().int().min(0).default(0),
  lambda_L1: z.number().min(0).default(100),
});

export const cycleganOptionsSchema = z.strictObject({
  model: z.literal('cyclegan'),
  ...common,
  netG: z.enum(GENERATORS).default('resnet_9blocks'),
  norm: z.enum(['batch', 'instance', 'none']).default('instance'),
  no_dropout: z.boolean().default(true),
  gan_mode: z.enum(['vanilla', 'lsgan', 'wgangp']).default('lsgan'),
  pool_size: z.number().int().min(0).default(50),
  lambda_A: z.number().min(0).default(10),
  lambda_B: z.number().min(0).default(10),
  lambda_identity: z.number().min(0).default(0.5),
});

export const cutOptionsSchema = z.strictObject({ model: z.literal('cut'), ...common, ...cutOptionFields }).transform(withCutModeDefaults);

/** Preprocess modes that train on crop_size × crop_size crops. */
const CROPPING: readonly string[] = ['resize_and_crop', 'crop', 'scale_width_and_crop'];

export const modelOptionsSchema = z.discriminatedUnion('model', [pix2pixOptionsSchema, cycleganOptionsSchema, cutOptionsSchema]).superRefine((o, ctx) => {
  if (o.crop_size > o.load_size && (o.preprocess === 'resize_and_crop' || o.preprocess === 'scale_width_and_crop')) {
    ctx.addIssue({
      code: 'custom',
      path: ['crop_size'],
      message: `crop_size ${o.crop_size} is larger than load_size ${o.load_size}: the crop must fit in the loaded image`,
    });
  }
  // Without a crop, the sizes come from the image files and are not known here.
  if (CROPPING.includes(o.preprocess)) {
    const problem = networkSizeProblem(o);
    if (problem) ctx.addIssue({ code: 'custom', path: ['crop_size'], message: problem });
  }
});

export type Pix2PixOptions = z.infer<typeof pix2pixOptionsSchema>;
export type CycleGanOptions = z.infer<typeof cycleganOptionsSchema>;
export type CutOptions = z.infer<typeof cutOptionsSchema>;
export type ModelOptions = z.infer<typeof modelOptionsSchema>;
export type ModelOptionsInput = z.input<typeof modelOptionsSchema>;

/** Fills in the reference's defaults for the chosen model and validates; errors name the option. */
export function resolveOptions(input: ModelOptionsInput): ModelOptions {
  const parsed = modelOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid training options: ${issues}`);
  }
  return parsed.data;
}
