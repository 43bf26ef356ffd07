// The training options: one table per model (shared-options.ts, <model>-options.ts) and what is
// derived from it (the zod schema here; `tandem train`'s flags in main/cli/train-options.ts; the
// studio's Train form in renderer/src/lib/stores/presets.ts). zod-only: the renderer loads it.
export * from './option-spec.js';
export * from './value-types.js';
export * from './model-definition.js';
export * from './model-schema.js';
export * from './modes.js';
export * from './registry.js';
export { SHARED_OPTIONS, type SharedOptionName } from './shared-options.js';
export { parseNceLayers } from './cut-options.js';
