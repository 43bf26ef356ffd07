// Training presets, and what the Train form does with options: defaults per model (and mode),
// what to send, what changing one option does. Everything comes from the option table of
// main/options through the API contract (imported at runtime: it depends on zod only).
import type { ProjectKind } from '$api/entities.js';
import {
  modelDefinition,
  modelsFor,
  modeOption,
  runOptionsSchema,
  switchMode,
  type ModelName,
  type ResolvedRunOptions,
  type RunOptionsInput,
} from '$api/run-options.js';
import { epochCount } from '$api/run-estimate.js';

export { epochCount };

export type { ModelName };
export type PresetId = 'pix2pix-paper' | 'cyclegan-paper' | 'fastcut' | 'quick-draft';

export interface Preset {
  id: PresetId;
  label: string;
  /** What it trains, from its own options; how long it takes is the estimate's to say (presetDuration). */
  blurb(o: ResolvedRunOptions): string;
  /** Which project kinds it applies to. */
  kinds: readonly ProjectKind[];
  /** The model it trains; absent: whichever model the form has chosen. */
  model?: ModelName;
  options(kind: ProjectKind, model: ModelName): RunOptionsInput;
}

/** The model a project trains unless another is chosen: the reference's for its kind of data. */
export function modelFor(kind: ProjectKind): ModelName {
  return modelsFor(kind)[0]!;
}

const nceWeight = (o: ResolvedRunOptions) => (o.model === 'cut' ? o.lambda_NCE : 0);

export const PRESETS: readonly Preset[] = [
  {
    id: 'pix2pix-paper',
    label: 'pix2pix (paper)',
    blurb: (o) => `U-Net 256 generator, 70×70 PatchGAN, L1 weight 100, ${epochCount(o)} epochs — the settings of the pix2pix paper.`,
    kinds: ['paired'],
    model: 'pix2pix',
    options: () => ({ model: 'pix2pix' }),
  },
  {
    id: 'cyclegan-paper',
    label: 'CycleGAN (paper)',
    blurb: (o) =>
      `Two ResNet-9 generators, LSGAN, cycle weight 10, identity 0.5, ${epochCount(o)} epochs — the settings of the CycleGAN paper.`,
    kinds: ['unpaired'],
    model: 'cyclegan',
    options: () => ({ model: 'cyclegan' }),
  },
  {
    id: 'fastcut',
    label: 'Fast style — FastCUT',
    blurb: (o) =>
      `One ResNet-9 generator, one way (A → B), a patch-wise contrastive loss (weight ${nceWeight(o)}) instead of a cycle, ` +
      `${epochCount(o)} epochs — the lighter mode of the CUT paper.`,
    kinds: ['unpaired'],
    model: 'cut',
    options: () => ({ model: 'cut', CUT_mode: 'FastCUT' }),
  },
  {
    id: 'quick-draft',
    label: 'Quick draft',
    blurb: (o) => `A small network (width ${o.ngf}) on ${o.crop_size} px crops for ${epochCount(o)} epochs: a rough first result.`,
    kinds: ['paired', 'unpaired'],
    options: (_kind, model) => ({
      model,
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

/** A preset's settings in full: the model's defaults with the preset's own on top (`model`: the form's choice). */
export function presetOptions(p: Preset, kind: ProjectKind, model: ModelName = modelFor(kind)): ResolvedRunOptions {
  return runOptionsSchema.parse(presetValues(p.options(kind, model)));
}

/** A preset's options over the defaults they select: their model's, under their mode (FastCUT's λ_NCE 10). */
export function presetValues(own: RunOptionsInput): ResolvedRunOptions {
  return { ...defaultsOf(own), ...own } as ResolvedRunOptions;
}

/**
 * The preset to show after the model is changed to `model`: the current one if it trains any model
 * or this one, else the model's own preset (its paper's settings).
 */
export function presetForModel(kind: ProjectKind, current: PresetId, model: ModelName): PresetId {
  const presets = presetsFor(kind);
  const now = presets.find((p) => p.id === current);
  if (now && (now.model === undefined || now.model === model)) return current;
  return (presets.find((p) => p.model === model) ?? presets.find((p) => p.model === undefined) ?? presets[0]!).id;
}

/** Every option filled in, or the schema's message for the first problem. */
export function resolveOptions(
  input: RunOptionsInput,
): { ok: true; options: ResolvedRunOptions } | { ok: false; field: string; message: string } {
  const r = runOptionsSchema.safeParse(input);
  if (r.success) return { ok: true, options: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, field: issue.path.join('.'), message: issue.message };
}

/** The reference's defaults for a model (what an unset option means), under `mode` if it has modes. */
export function defaultsFor(model: ModelName, mode?: string): ResolvedRunOptions {
  const option = modeOption(modelDefinition(model));
  return runOptionsSchema.parse({ model, ...(option && mode !== undefined ? { [option]: mode } : {}) });
}

/** The defaults that apply to these options: their model's, under their mode. */
export function defaultsOf(o: { model: ModelName } & Record<string, unknown>): ResolvedRunOptions {
  const option = modeOption(modelDefinition(o.model));
  return defaultsFor(o.model, option ? (o[option] as string | undefined) : undefined);
}

/** Options that differ from the defaults: what we send to runs.start. */
export function changedOptions(o: ResolvedRunOptions): RunOptionsInput {
  const d = { ...defaultsOf(o) } as unknown as Record<string, unknown>;
  // The mode itself is compared with the model's default mode (the mode's own defaults hold the mode).
  const mode = modeOption(modelDefinition(o.model));
  if (mode) d[mode] = (defaultsFor(o.model) as unknown as Record<string, unknown>)[mode];
  const out: Record<string, unknown> = { model: o.model };
  for (const [k, v] of Object.entries(o)) if (k !== 'model' && d[k] !== v) out[k] = v;
  return out as RunOptionsInput;
}

/** The form's values with one option set; a new mode brings its defaults for what the user left alone. */
export function withOption(
  model: ModelName,
  values: Readonly<Record<string, unknown>>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const def = modelDefinition(model);
  if (key === modeOption(def)) return switchMode(def, values, value as string);
  return { ...values, [key]: value };
}
