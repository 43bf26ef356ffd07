// One training option as the reference declares it with parser.add_argument(name, type, default,
// help), plus what the studio's Train form needs to show it (label, group, step).
import type { z } from 'zod';
import type { ValueType } from './value-types.js';

export const OPTION_GROUPS = ['Network', 'Data', 'Schedule', 'Loss', 'Optimiser'] as const;
export type OptionGroup = (typeof OPTION_GROUPS)[number];

export interface OptionSpec<S extends z.ZodType = z.ZodType> {
  readonly type: ValueType<S>;
  /** The reference's default; a model may override it (modify_commandline_options' set_defaults). */
  readonly default: z.output<S>;
  /** The form's label. */
  readonly label: string;
  /** One sentence, shown by `tandem train --help` and under the form field. */
  readonly help: string;
  readonly group: OptionGroup;
  /** Shown in the form only under "Show all options" (or when changed). */
  readonly advanced?: boolean;
  /** The form's number step, where 1 (int) or any (float) is not the natural one. */
  readonly step?: number;
}

/** Options by the reference's snake_case name, in the order the form and `--help` list them. */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** Keeps the zod type of `type` in the spec, so the derived schemas are precisely typed. */
export function option<S extends z.ZodType>(spec: OptionSpec<S>): OptionSpec<S> {
  return spec;
}

/** The value of each option of a table. */
export type ValuesOf<T extends OptionTable> = { -readonly [K in keyof T]: z.output<T[K]['type']['schema']> };
