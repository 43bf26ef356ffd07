// The training options as the studio accepts them: the one option table of main/options (reference
// names, ranges, defaults per model, help), which is zod-only, so the renderer shares it without
// loading the engine.
import { z } from 'zod';
import { modelOptionsSchema, type ModelOptions, type ModelOptionsInput } from '../options/index.js';

export { DISCRIMINATORS as DISCRIMINATOR_NAMES, GENERATORS as GENERATOR_NAMES } from '../gan/networks/names.js';
export {
  architectureKeys,
  MODELS,
  modelDefinition,
  modelLabel,
  modelsFor,
  modelOptionSpecs,
  modeOption,
  switchMode,
  OPTION_GROUPS,
  type Bounds,
  type ModelName,
  type OptionGroup,
  type OptionSpec,
  type ValueType,
} from '../options/index.js';
/** Input: only `model` is required; everything else takes the reference's default for that model. */
export const runOptionsSchema = modelOptionsSchema;
export type RunOptionsInput = ModelOptionsInput;
/** Every option filled in: what a run stores and what its checkpoints carry. */
export type ResolvedRunOptions = ModelOptions;

/** How often the trainer writes samples and checkpoints (counted in images, like the reference). */
export const runScheduleSchema = z.strictObject({
  sampleEvery: z.number().int().min(0).max(1e9).default(400),
  checkpointEvery: z.number().int().min(0).max(1e9).default(5000),
  saveEpochFreq: z.number().int().min(0).max(1e6).default(5),
  numSamples: z.number().int().min(0).max(16).default(4),
});
export type RunSchedule = z.output<typeof runScheduleSchema>;

export const BACKEND_NAMES = ['auto', 'gpu', 'webgpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
