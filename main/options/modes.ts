// A model's modes (CUT's --CUT_mode CUT | FastCUT) set the defaults of other options. These say
// what a change of mode does to values already chosen, for the forms that let a user switch it.
import { defaultFor, modeDependent, type AnyModelDefinition } from './model-definition.js';

/** The option that picks the model's mode, if it has modes. */
export function modeOption(def: AnyModelDefinition): string | null {
  return def.modes?.option ?? null;
}

/**
 * `values` with the mode set to `mode`: every option that follows the mode and still holds the
 * old mode's default takes the new mode's; options the user changed keep their values.
 */
export function switchMode(def: AnyModelDefinition, values: Readonly<Record<string, unknown>>, mode: string): Record<string, unknown> {
  const option = modeOption(def);
  if (!option) throw new Error(`${def.model} has no modes`);
  const before = values[option] as string | undefined;
  const out: Record<string, unknown> = { ...values, [option]: mode };
  for (const name of modeDependent(def)) {
    if (!(name in values) || values[name] === defaultFor(def, name, before)) out[name] = defaultFor(def, name, mode);
  }
  return out;
}
