// Training presets, and what the Train form does with options: defaults per model (and mode),
// what to send, what changing one option does. Everything comes from the option table of
// main/options through the API contract (imported at runtime: it depends on zod only).
import type { ProjectKind } from '$api/entities.js';
import {
  modelDefinition,
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
  const d = defaultsOf(o) as unknown as Record<string, unknown>;
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
