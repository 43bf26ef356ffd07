// The models and their options: the one table the engine's schema, `tandem train`'s flags and
// the studio's Train form are all derived from. zod-only, so the renderer can load it.
//
// A new model registers its options in two steps:
//  1. main/options/<model>-options.ts: `export const CUT = defineModel({ model: 'cut', label, summary,
//     data, without, defaults, options, modes })` — its own options with option({ type, default, label,
//     help, group }), the shared defaults it changes (set_defaults), the shared options it does not
//     take, and per-mode defaults (modes: { option: 'CUT_mode', defaults: { CUT: {…}, FastCUT: {…} } }).
//  2. Add it to MODELS below. Its schema, `tandem train --model cut` and its flags and help, and the
//     Train form's fields then follow; test/renderer/option-views.test.ts checks the three agree.
import { z } from 'zod';
import { checkSizes } from './cross-checks.js';
import { CUT } from './cut-options.js';
import { CYCLEGAN } from './cyclegan-options.js';
import { optionSpecs, type InputOf, type OptionsOf } from './model-definition.js';
import { modelSchema } from './model-schema.js';
import type { OptionSpec } from './option-spec.js';
import { PIX2PIX } from './pix2pix-options.js';

/** Every model, in the order `--model` lists them. A new model adds its definition here. */
export const MODELS = [PIX2PIX, CYCLEGAN, CUT] as const;

type Definitions = typeof MODELS;
export type ModelName = Definitions[number]['model'];

export type Pix2PixOptions = OptionsOf<typeof PIX2PIX>;
export type CycleGanOptions = OptionsOf<typeof CYCLEGAN>;
export type CutOptions = OptionsOf<typeof CUT>;
/** Every option filled in, for whichever model. */
export type ModelOptions = OptionsOf<Definitions[number]>;
/** Input: only `model` is required; everything else takes the reference's default for that model. */
export type ModelOptionsInput = InputOf<Definitions[number]>;

const union = z.discriminatedUnion('model', MODELS.map(modelSchema) as unknown as [z.ZodObject, ...z.ZodObject[]]);
export const modelOptionsSchema = union.superRefine((o, ctx) => checkSizes(o as ModelOptions, ctx)) as unknown as z.ZodType<
  ModelOptions,
  ModelOptionsInput
>;

export function modelDefinition(model: ModelName): Definitions[number] {
  const def = MODELS.find((m) => m.model === model);
  if (!def) throw new Error(`unknown model '${model}'`);
  return def;
}

/** A model's name for people ("CycleGAN"). */
export function modelLabel(model: ModelName): string {
  return modelDefinition(model).label;
}

/** The models that learn from this kind of data, the reference's first (a project's default). */
export function modelsFor(data: 'paired' | 'unpaired'): ModelName[] {
  return MODELS.filter((m) => m.data === data).map((m) => m.model);
}

/** The options a model takes, by name, in listing order. */
export function modelOptionSpecs(model: ModelName): ReadonlyMap<string, OptionSpec> {
  return optionSpecs(modelDefinition(model));
}
