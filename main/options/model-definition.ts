// How a model declares its options: the reference's modify_commandline_options in one object.
// The shared options (shared-options.ts) come with every model unless it leaves some out; the
// model adds its own, changes shared defaults, and may have modes whose choice sets other defaults
// (the CUT repository's --CUT_mode CUT | FastCUT).
import type { OptionSpec, OptionTable, ValuesOf } from './option-spec.js';
import { SHARED_OPTIONS, type SharedOptionName, type SharedOptions } from './shared-options.js';
import { choice } from './value-types.js';

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The option table of a model: the shared options it keeps, then its own. */
export type TableOf<Own extends OptionTable, Without extends SharedOptionName> = Omit<SharedOptions, Without> & Own;

export interface ModelDefinition<
  M extends string = string,
  Own extends OptionTable = OptionTable,
  Without extends SharedOptionName = SharedOptionName,
> {
  /** The value of --model. */
  readonly model: M;
  /** Its name for people ("CycleGAN"). */
  readonly label: string;
  /** What it trains on, for --model's help ("paired images"). */
  readonly summary: string;
  /** The data it learns from: pairs matched by name (a paired project), or two unpaired sets. */
  readonly data: 'paired' | 'unpaired';
  /**
   * The options that fix the shape of its weights, which a fine-tuned run must share with the run
   * it starts from: the generator's, and the rest (discriminator, CUT's projection), which count
   * when those were trained. The reference's lists when absent.
   */
  readonly architecture?: { readonly generator: readonly string[]; readonly others: readonly string[] };
  /** Shared options this model does not take (e.g. a model with normG/normD instead of norm). */
  readonly without?: readonly Without[];
  /** The model's own parser.add_argument lines, in the order they are listed. */
  readonly options: Own;
  /**
   * Shared choice options of which this model takes only some (CUT taps a ResNet generator's
   * layers, so it has no U-Net): its schema and its form field offer only these.
   */
  readonly narrow?: Partial<Record<Exclude<SharedOptionName, Without>, readonly [string, ...string[]]>>;
  /** parser.set_defaults: defaults of the shared options that differ for this model. */
  readonly defaults?: Partial<ValuesOf<Omit<SharedOptions, Without>>>;
  /**
   * Defaults that follow the value of one of the model's own options, as CUT's modify_commandline_options
   * reads --CUT_mode before calling set_defaults. Unlisted options keep the defaults above.
   */
  readonly modes?: {
    readonly option: keyof Own & string;
    readonly defaults: Readonly<Record<string, Partial<ValuesOf<TableOf<Own, Without>>>>>;
  };
}

/** Checks the definition against the shared table while keeping its literal types. */
export function defineModel<const M extends string, const Own extends OptionTable, const Without extends SharedOptionName = never>(
  def: ModelDefinition<M, Own, Without>,
): ModelDefinition<M, Own, Without> {
  return def;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches any definition, whatever its literal types
export type AnyModelDefinition = ModelDefinition<string, any, any>;

/** Every option resolved: what a run of this model stores and its checkpoints carry. */
export type OptionsOf<D extends AnyModelDefinition> =
  D extends ModelDefinition<infer M, infer Own, infer Without> ? Simplify<{ model: M } & ValuesOf<TableOf<Own, Without>>> : never;

/** What may be given: the model, and any options (the rest take the model's defaults). */
export type InputOf<D extends AnyModelDefinition> =
  D extends ModelDefinition<infer M, infer Own, infer Without> ? Simplify<{ model: M } & Partial<ValuesOf<TableOf<Own, Without>>>> : never;

/** A shared choice option offering only `values`, which must be among its choices. */
function narrowed(model: string, name: string, spec: OptionSpec, values: readonly [string, ...string[]]): OptionSpec {
  const t = spec.type;
  const foreign = values.filter((v) => t.kind !== 'choice' || !t.choices.includes(v));
  if (foreign.length) throw new Error(`${model} narrows ${name} to ${foreign.join(', ')}, which it does not offer`);
  return { ...spec, type: choice(values) };
}

/** The options a model takes, by name, in listing order (shared first, then its own). */
export function optionSpecs(def: AnyModelDefinition): ReadonlyMap<string, OptionSpec> {
  let specs = specsByModel.get(def);
  if (!specs) specsByModel.set(def, (specs = listSpecs(def)));
  return specs;
}

const specsByModel = new WeakMap<AnyModelDefinition, ReadonlyMap<string, OptionSpec>>();

function listSpecs(def: AnyModelDefinition): ReadonlyMap<string, OptionSpec> {
  const without = new Set<string>(def.without ?? []);
  const out = new Map<string, OptionSpec>();
  const narrow = (def.narrow ?? {}) as Record<string, readonly [string, ...string[]]>;
  for (const [name, spec] of Object.entries(SHARED_OPTIONS)) {
    if (!without.has(name)) out.set(name, name in narrow ? narrowed(def.model, name, spec, narrow[name]!) : (spec as OptionSpec));
  }
  for (const [name, spec] of Object.entries(def.options as OptionTable)) {
    if (out.has(name)) throw new Error(`${def.model} declares ${name}, which every model already has: change its default in 'defaults'`);
    out.set(name, spec);
  }
  return out;
}

/** Options whose default depends on the model's mode. */
export function modeDependent(def: AnyModelDefinition): ReadonlySet<string> {
  return new Set(Object.values(def.modes?.defaults ?? {}).flatMap((d) => Object.keys(d as object)));
}

/**
 * The default of `name` for this model; for an option that follows the mode, its default under
 * `mode` (the mode option's own default when not given).
 */
export function defaultFor(def: AnyModelDefinition, name: string, mode?: string): unknown {
  const spec = optionSpecs(def).get(name);
  if (!spec) throw new Error(`${def.model} has no option ${name}`);
  const modes = def.modes;
  if (modes) {
    const chosen = mode ?? (optionSpecs(def).get(modes.option)!.default as string);
    const byMode = (modes.defaults[chosen] ?? {}) as Record<string, unknown>;
    if (name in byMode) return byMode[name];
  }
  const own = (def.defaults ?? {}) as Record<string, unknown>;
  return name in own ? own[name] : spec.default;
}

/**
 * The reference's weight-shaping options. no_dropout counts: a ResNet block's dropout layer shifts
 * the indices in its weights' names.
 */
const REFERENCE_ARCHITECTURE = {
  generator: ['netG', 'ngf', 'norm', 'input_nc', 'output_nc', 'no_dropout'],
  others: ['netD', 'ndf', 'n_layers_D'],
} as const;

/** The options a fine-tuned run of this model takes from its source: the generator's, and the others' unless `generatorsOnly`. */
export function architectureKeys(def: AnyModelDefinition, generatorsOnly: boolean): string[] {
  const a = def.architecture ?? REFERENCE_ARCHITECTURE;
  return generatorsOnly ? [...a.generator] : [...a.generator, ...a.others];
}
