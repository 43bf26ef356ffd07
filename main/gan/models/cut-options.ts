import { z } from 'zod';
// Free of TensorFlow.js: the option schema (shared with the studio's API and the renderer) uses it.

/**
 * CUT and FastCUT's own options (the official cut_model.py modify_commandline_options and
 * base_options at b3ac2977), by their official names, with the help texts, the kinds the command
 * line needs and the defaults that depend on --CUT_mode, in one place.
 */
export const CUT_MODES = ['CUT', 'FastCUT'] as const;
export type CutMode = (typeof CUT_MODES)[number];

/** The options whose default depends on --CUT_mode (cut_model.py:44-49). */
export interface CutModeDefaults {
  lambda_NCE: number;
  nce_idt: boolean;
  flip_equivariance: boolean;
  n_epochs: number;
  n_epochs_decay: number;
}

export const CUT_MODE_DEFAULTS: Readonly<Record<CutMode, CutModeDefaults>> = {
  CUT: { lambda_NCE: 1, nce_idt: true, flip_equivariance: false, n_epochs: 200, n_epochs_decay: 200 },
  FastCUT: { lambda_NCE: 10, nce_idt: false, flip_equivariance: true, n_epochs: 150, n_epochs_decay: 50 },
};

const NORMS = ['batch', 'instance', 'none'] as const;
/** CUT taps the ResNet generator's children (nce_layers); the U-Nets have no such taps in the official code. */
export const CUT_GENERATORS = ['resnet_9blocks', 'resnet_6blocks'] as const;

const nceLayers = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'a comma-separated list of generator layer indices, e.g. 0,4,8,12,16')
  .default('0,4,8,12,16');

/** CUT's fields for the option schema; the mode-dependent ones stay optional until withCutModeDefaults. */
export const cutOptionFields = {
  CUT_mode: z.enum(CUT_MODES).default('CUT'),
  netG: z.enum(CUT_GENERATORS).default('resnet_9blocks'),
  normG: z.enum(NORMS).default('instance'),
  normD: z.enum(NORMS).default('instance'),
  no_dropout: z.boolean().default(true),
  no_antialias: z.boolean().default(false),
  no_antialias_up: z.boolean().default(false),
  init_type: z.enum(['normal', 'xavier', 'kaiming', 'orthogonal']).default('xavier'),
  gan_mode: z.enum(['vanilla', 'lsgan']).default('lsgan'),
  lambda_GAN: z.number().min(0).default(1),
  lambda_NCE: z.number().min(0).optional(),
  nce_idt: z.boolean().optional(),
  nce_layers: nceLayers,
  nce_includes_all_negatives_from_minibatch: z.boolean().default(false),
  netF: z.enum(['mlp_sample']).default('mlp_sample'),
  netF_nc: z.number().int().min(1).max(4096).default(256),
  nce_T: z.number().positive().default(0.07),
  num_patches: z.number().int().min(1).default(256),
  flip_equivariance: z.boolean().optional(),
  n_epochs: z.number().int().min(0).optional(),
  n_epochs_decay: z.number().int().min(0).optional(),
};

/** Fills the mode-dependent options the user left out with the mode's defaults. */
export function withCutModeDefaults<T extends { CUT_mode: CutMode } & Partial<CutModeDefaults>>(o: T): T & CutModeDefaults {
  const d = CUT_MODE_DEFAULTS[o.CUT_mode];
  return {
    ...o,
    lambda_NCE: o.lambda_NCE ?? d.lambda_NCE,
    nce_idt: o.nce_idt ?? d.nce_idt,
    flip_equivariance: o.flip_equivariance ?? d.flip_equivariance,
    n_epochs: o.n_epochs ?? d.n_epochs,
    n_epochs_decay: o.n_epochs_decay ?? d.n_epochs_decay,
  };
}

/** The generator children whose outputs the NCE loss compares, in the network's order (as the official taps return them). */
export function parseNceLayers(s: string): number[] {
  return [...new Set(s.split(',').map((x) => Number.parseInt(x, 10)))].sort((a, b) => a - b);
}

export type CutOptionKind = 'int' | 'float' | 'bool' | 'text' | readonly string[];

/** Command-line kind and help of each CUT option (the generic ones, ngf, lr, …, are the reference's). */
export const CUT_OPTION_HELP: ReadonlyArray<[name: keyof typeof cutOptionFields, kind: CutOptionKind, help: string]> = [
  ['CUT_mode', CUT_MODES, 'CUT (default), or FastCUT: λ_NCE 10, no identity NCE, flip equivariance, 150 + 50 epochs'],
  ['lambda_GAN', 'float', 'weight of the GAN loss GAN(G(X)) (1)'],
  ['lambda_NCE', 'float', 'weight of the PatchNCE loss NCE(G(X), X) (CUT 1, FastCUT 10)'],
  ['nce_idt', 'bool', 'also NCE on G(Y) vs Y, an identity loss (CUT true, FastCUT false)'],
  ['nce_layers', 'text', 'generator layers whose features are compared (0,4,8,12,16)'],
  ['nce_includes_all_negatives_from_minibatch', 'bool', 'negatives from every image of the batch, not only the same image (false)'],
  ['netF', ['mlp_sample'], 'how features are projected: a 2-layer MLP on sampled patches (mlp_sample)'],
  ['netF_nc', 'int', 'width of the projection MLP (256)'],
  ['nce_T', 'float', 'temperature of the NCE loss (0.07)'],
  ['num_patches', 'int', 'patches sampled per layer (256)'],
  ['flip_equivariance', 'bool', 'flip the input at random and the features back: a regulariser (CUT false, FastCUT true)'],
  ['no_antialias', 'bool', 'strided convs instead of anti-aliased (blur-pool) downsampling (false)'],
  ['no_antialias_up', 'bool', 'transposed convs instead of anti-aliased upsampling (false)'],
  ['normG', NORMS, 'generator normalisation (instance)'],
  ['normD', NORMS, 'discriminator normalisation (instance)'],
];

