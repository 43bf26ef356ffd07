// Training presets and the one-line explanation of every option. Defaults come from the contract's
// own schema (main/api/run-options.ts, imported at runtime: it depends on zod only).
import type { ProjectKind } from '../../../../main/api/entities.js';
import {
  cycleganRunOptionsSchema,
  pix2pixRunOptionsSchema,
  runOptionsSchema,
  type ResolvedRunOptions,
  type RunOptionsInput,
} from '../../../../main/api/run-options.js';
import { epochCount } from '../../../../main/api/run-estimate.js';

export { epochCount };

export type ModelName = ResolvedRunOptions['model'];
export type PresetId = 'pix2pix-paper' | 'cyclegan-paper' | 'quick-draft';

export interface Preset {
  id: PresetId;
  label: string;
  /** What it trains, from its own options; how long it takes is the estimate's to say (presetDuration). */
  blurb(o: ResolvedRunOptions): string;
  /** Which project kinds it applies to. */
  kinds: readonly ProjectKind[];
  options(kind: ProjectKind): RunOptionsInput;
}

export function modelFor(kind: ProjectKind): ModelName {
  return kind === 'paired' ? 'pix2pix' : 'cyclegan';
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'pix2pix-paper',
    label: 'pix2pix (paper)',
    blurb: (o) => `U-Net 256 generator, 70×70 PatchGAN, L1 weight 100, ${epochCount(o)} epochs — the settings of the pix2pix paper.`,
    kinds: ['paired'],
    options: () => ({ model: 'pix2pix' }),
  },
  {
    id: 'cyclegan-paper',
    label: 'CycleGAN (paper)',
    blurb: (o) =>
      `Two ResNet-9 generators, LSGAN, cycle weight 10, identity 0.5, ${epochCount(o)} epochs — the settings of the CycleGAN paper.`,
    kinds: ['unpaired'],
    options: () => ({ model: 'cyclegan' }),
  },
  {
    id: 'quick-draft',
    label: 'Quick draft',
    blurb: (o) => `A small network (width ${o.ngf}) on ${o.crop_size} px crops for ${epochCount(o)} epochs: a rough first result.`,
    kinds: ['paired', 'unpaired'],
    options: (kind) => ({
      model: modelFor(kind),
      netG: 'resnet_6blocks',
      ngf: 16,
      ndf: 16,
      load_size: 143,
      crop_size: 128,
      n_epochs: 3,
      n_epochs_decay: 2,
    }),
  },
];

export function presetsFor(kind: ProjectKind): Preset[] {
  return PRESETS.filter((p) => p.kinds.includes(kind));
}

/** A preset's settings in full: the model's defaults with the preset's own on top. */
export function presetOptions(p: Preset, kind: ProjectKind): ResolvedRunOptions {
  return runOptionsSchema.parse({ ...defaultsFor(modelFor(kind)), ...p.options(kind) });
}

/** Every option filled in, or the schema's message for the first problem. */
export function resolveOptions(input: RunOptionsInput): { ok: true; options: ResolvedRunOptions } | { ok: false; field: string; message: string } {
  const r = runOptionsSchema.safeParse(input);
  if (r.success) return { ok: true, options: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, field: issue.path.join('.'), message: issue.message };
}

/** The reference's defaults for a model (what an unset option means). */
export function defaultsFor(model: ModelName): ResolvedRunOptions {
  return (model === 'pix2pix' ? pix2pixRunOptionsSchema : cycleganRunOptionsSchema).parse({ model }) as ResolvedRunOptions;
}

/** Options that differ from the model's defaults: what we send to runs.start. */
export function changedOptions(o: ResolvedRunOptions): RunOptionsInput {
  const d = defaultsFor(o.model) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { model: o.model };
  for (const [k, v] of Object.entries(o)) if (k !== 'model' && d[k] !== v) out[k] = v;
  return out as RunOptionsInput;
}

export type OptionKind = 'int' | 'number' | 'bool' | 'enum' | 'text' | 'nullable-int';
export interface OptionDoc {
  key: string;
  label: string;
  help: string;
  group: 'Network' | 'Data' | 'Schedule' | 'Loss' | 'Optimiser';
  kind: OptionKind;
  choices?: readonly (string | number)[];
  models?: readonly ModelName[];
  /** Shown only under "Show all options". */
  advanced?: boolean;
  step?: number;
}

function enumValues(model: ModelName, key: string): readonly (string | number)[] | undefined {
  const schema = (model === 'pix2pix' ? pix2pixRunOptionsSchema : cycleganRunOptionsSchema).shape as Record<string, unknown>;
  const s = schema[key] as { def?: { innerType?: { options?: unknown[]; def?: { entries?: Record<string, string> } } } } | undefined;
  const inner = s?.def?.innerType;
  if (inner?.options && Array.isArray(inner.options)) return inner.options as (string | number)[];
  return undefined;
}

const DOCS: OptionDoc[] = [
  { key: 'netG', label: 'Generator', help: 'Generator architecture: U-Net (skip connections, good for aligned pairs) or ResNet with 6/9 residual blocks.', group: 'Network', kind: 'enum' },
  { key: 'ngf', label: 'Generator width', help: 'Filters in the generator’s first layer; memory and time grow roughly with its square.', group: 'Network', kind: 'int' },
  { key: 'ndf', label: 'Discriminator width', help: 'Filters in the discriminator’s first layer.', group: 'Network', kind: 'int' },
  { key: 'netD', label: 'Discriminator', help: 'basic = 70×70 PatchGAN; n_layers = PatchGAN with “D layers”; pixel = 1×1 PixelGAN.', group: 'Network', kind: 'enum' },
  { key: 'n_layers_D', label: 'D layers', help: 'Conv layers in the discriminator when it is n_layers (more = larger patches).', group: 'Network', kind: 'int', advanced: true },
  { key: 'norm', label: 'Normalisation', help: 'Batch norm (pix2pix), instance norm (CycleGAN) or none.', group: 'Network', kind: 'enum' },
  { key: 'no_dropout', label: 'No dropout', help: 'Turn off dropout in the generator (pix2pix uses it as its noise source).', group: 'Network', kind: 'bool' },
  { key: 'init_type', label: 'Initialisation', help: 'How weights start: normal, xavier, kaiming or orthogonal.', group: 'Network', kind: 'enum', advanced: true },
  { key: 'init_gain', label: 'Init gain', help: 'Scale of the initial weights.', group: 'Network', kind: 'number', advanced: true, step: 0.01 },
  { key: 'input_nc', label: 'Input channels', help: '3 for colour, 1 for grayscale input images.', group: 'Network', kind: 'enum', choices: [3, 1], advanced: true },
  { key: 'output_nc', label: 'Output channels', help: '3 for colour, 1 for grayscale output images.', group: 'Network', kind: 'enum', choices: [3, 1], advanced: true },
  { key: 'direction', label: 'Direction', help: 'AtoB translates folder A into the look of B; BtoA the other way round.', group: 'Data', kind: 'enum' },
  { key: 'load_size', label: 'Load size', help: 'Images are scaled to this size (px) before cropping.', group: 'Data', kind: 'int' },
  { key: 'crop_size', label: 'Crop size', help: 'Training crops of this size (px); must not exceed the load size.', group: 'Data', kind: 'int' },
  { key: 'preprocess', label: 'Preprocess', help: 'How images are scaled and cropped before training.', group: 'Data', kind: 'enum' },
  { key: 'no_flip', label: 'No flip', help: 'Do not flip images left–right for augmentation.', group: 'Data', kind: 'bool' },
  { key: 'batch_size', label: 'Batch size', help: 'Images per step; the papers use 1.', group: 'Data', kind: 'int' },
  { key: 'max_dataset_size', label: 'Max images', help: 'Use at most this many images per epoch (empty = all).', group: 'Data', kind: 'nullable-int', advanced: true },
  { key: 'n_epochs', label: 'Epochs', help: 'Epochs at the initial learning rate.', group: 'Schedule', kind: 'int' },
  { key: 'n_epochs_decay', label: 'Decay epochs', help: 'Further epochs while the learning rate falls to zero.', group: 'Schedule', kind: 'int' },
  { key: 'epoch_count', label: 'First epoch', help: 'Number the first epoch starts at (for continuing a schedule).', group: 'Schedule', kind: 'int', advanced: true },
  { key: 'lr_policy', label: 'LR policy', help: 'How the learning rate changes: linear decay, step, plateau or cosine.', group: 'Schedule', kind: 'enum', advanced: true },
  { key: 'lr_decay_iters', label: 'LR step (epochs)', help: 'With the step policy: multiply the rate by 0.1 every this many epochs.', group: 'Schedule', kind: 'int', advanced: true },
  { key: 'lr', label: 'Learning rate', help: 'Adam’s initial learning rate.', group: 'Optimiser', kind: 'number', step: 0.00005 },
  { key: 'beta1', label: 'Adam β1', help: 'Momentum term of Adam (0.5 in the papers).', group: 'Optimiser', kind: 'number', advanced: true, step: 0.05 },
  { key: 'beta2', label: 'Adam β2', help: 'Second-moment decay of Adam.', group: 'Optimiser', kind: 'number', advanced: true, step: 0.001 },
  { key: 'seed', label: 'Seed', help: 'Random seed: the same seed and options repeat a run exactly.', group: 'Optimiser', kind: 'int', advanced: true },
  { key: 'gan_mode', label: 'GAN loss', help: 'vanilla (cross-entropy), lsgan (least squares) or wgangp.', group: 'Loss', kind: 'enum' },
  { key: 'pool_size', label: 'Image pool', help: 'Past fakes kept to show the discriminator (0 = none).', group: 'Loss', kind: 'int', advanced: true },
  { key: 'lambda_L1', label: 'L1 weight', help: 'How strongly the output must match the target pixel for pixel.', group: 'Loss', kind: 'number', models: ['pix2pix'] },
  { key: 'lambda_A', label: 'Cycle weight A', help: 'Weight of A → B → A reconstruction.', group: 'Loss', kind: 'number', models: ['cyclegan'] },
  { key: 'lambda_B', label: 'Cycle weight B', help: 'Weight of B → A → B reconstruction.', group: 'Loss', kind: 'number', models: ['cyclegan'] },
  { key: 'lambda_identity', label: 'Identity weight', help: 'Keeps colours when an image is already in the target style (× cycle weight; 0 = off).', group: 'Loss', kind: 'number', models: ['cyclegan'], step: 0.1 },
  { key: 'name', label: 'Run name (engine)', help: 'The engine’s experiment name; the run name above is what you see in the studio.', group: 'Data', kind: 'text', advanced: true },
];

/** The docs that apply to a model, with enum choices filled from the schema. */
export function optionDocs(model: ModelName): OptionDoc[] {
  return DOCS.filter((d) => !d.models || d.models.includes(model)).map((d) =>
    d.kind === 'enum' && !d.choices ? { ...d, choices: enumValues(model, d.key) ?? [] } : d,
  );
}

/** Every option key of a model's schema (so a test can check each has a doc). */
export function schemaKeys(model: ModelName): string[] {
  return Object.keys((model === 'pix2pix' ? pix2pixRunOptionsSchema : cycleganRunOptionsSchema).shape);
}

