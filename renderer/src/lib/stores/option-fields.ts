// The Train form's fields: one per option of the model, read off the option table of main/options
// (label, help, group, choices, bounds), so the form cannot disagree with the engine or the CLI.
import { modelOptionSpecs, type Bounds, type ModelName, type OptionGroup, type OptionSpec } from '$api/run-options.js';

export type FieldKind = 'int' | 'float' | 'bool' | 'choice' | 'text';

export interface OptionField {
  key: string;
  label: string;
  help: string;
  group: OptionGroup;
  kind: FieldKind;
  /** An int that may be left empty (null: no limit). */
  nullable: boolean;
  choices: readonly (string | number)[];
  min?: number;
  max?: number;
  step?: number;
  /** Shown only under "Show all options" (or when changed). */
  advanced: boolean;
}

function field(key: string, spec: OptionSpec): OptionField {
  const t = spec.type;
  const bounds: Bounds = t.kind === 'int' || t.kind === 'float' ? t : {};
  // A number input's min is inclusive: an int above n starts at n + 1; a float's "above" has no attribute.
  const min = bounds.min ?? (t.kind === 'int' && bounds.above !== undefined ? bounds.above + 1 : undefined);
  return {
    key,
    label: spec.label,
    help: spec.help,
    group: spec.group,
    kind: t.kind,
    nullable: t.kind === 'int' && t.nullable,
    choices: t.kind === 'choice' ? t.choices : [],
    ...(min !== undefined ? { min } : {}),
    ...(bounds.max !== undefined ? { max: bounds.max } : {}),
    ...(spec.step !== undefined ? { step: spec.step } : {}),
    advanced: spec.advanced ?? false,
  };
}

/** The fields of a model's options, in the table's order. */
export function optionFields(model: ModelName): OptionField[] {
  return [...modelOptionSpecs(model)].map(([key, spec]) => field(key, spec));
}
