// The zod schema of one model's options, derived from its definition: each option's type with the
// model's default. strictObject: a misspelt option ("lambda_l1") is an error, not silently the default.
import { z } from 'zod';
import { defaultFor, modeDependent, optionSpecs, type AnyModelDefinition, type InputOf, type OptionsOf } from './model-definition.js';

export type ModelSchema<D extends AnyModelDefinition> = z.ZodType<OptionsOf<D>, InputOf<D>>;

export function modelSchema<D extends AnyModelDefinition>(def: D): ModelSchema<D> {
  const dependent = modeDependent(def);
  const shape: Record<string, z.ZodType> = { model: z.literal(def.model) };
  for (const [name, spec] of optionSpecs(def)) {
    // An option that follows the mode is filled in once the mode is known (below).
    shape[name] = dependent.has(name) ? spec.type.schema.optional() : spec.type.schema.default(defaultFor(def, name) as never);
  }
  const object = z.strictObject(shape);
  const modes = def.modes;
  if (!modes) return object as unknown as ModelSchema<D>;
  return object.transform((o) => {
    const filled: Record<string, unknown> = { ...o };
    for (const name of dependent) if (filled[name] === undefined) filled[name] = defaultFor(def, name, filled[modes.option] as string);
    return filled;
  }) as unknown as ModelSchema<D>;
}
