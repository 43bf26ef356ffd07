// `tandem train`'s model options, derived from the option table of main/options: one flag per
// option of any model, its help the table's sentence followed by each model's default. No flag has
// a commander default, so only what the user gave is passed on and each model's defaults fill the rest.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { defaultFor, modeOption, MODELS, optionSpecs, type AnyModelDefinition, type OptionSpec } from '../options/index.js';
import { parseFloatOption, parseIntOption } from './argv.js';

export interface EngineOption {
  name: string;
  spec: OptionSpec;
  /** The models that take it. */
  models: AnyModelDefinition[];
}

/** Every model's options, each listed once (shared first, then each model's own, in --model's order). */
export function engineOptions(): EngineOption[] {
  const byName = new Map<string, EngineOption>();
  for (const def of MODELS) {
    for (const [name, spec] of optionSpecs(def)) {
      const seen = byName.get(name);
      if (!seen) byName.set(name, { name, spec, models: [def] });
      else if (seen.spec.help !== spec.help || seen.spec.type.kind !== spec.type.kind) {
        throw new Error(`${def.model} and ${seen.models[0]!.model} declare --${name} differently: one flag cannot serve both`);
      } else seen.models.push(def);
    }
  }
  return [...byName.values()];
}

function shown(v: unknown): string {
  if (v === null) return 'none';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return String(v);
}

/** A model's default for one option, as `--help` says it: per mode where the mode decides it. */
function modelDefaultText(def: AnyModelDefinition, name: string): string {
  const option = modeOption(def);
  const modes = Object.keys(def.modes?.defaults ?? {});
  const values = modes.map((m) => defaultFor(def, name, m));
  if (!option || values.every((v) => v === values[0])) return shown(defaultFor(def, name));
  return modes.map((m, i) => `${shown(values[i])} with --${option} ${m}`).join(', ');
}

/** "(default: 64)", "(default: pix2pix unet_256, cyclegan resnet_9blocks)" or "(only for cyclegan; default 10)". */
export function defaultsText(o: EngineOption): string {
  const texts = o.models.map((def) => modelDefaultText(def, o.name));
  const same = texts.every((t) => t === texts[0]);
  const values = same ? texts[0]! : o.models.map((def, i) => `${def.model} ${texts[i]}`).join(', ');
  if (o.models.length === MODELS.length) return `(default: ${values})`;
  return `(only for ${o.models.map((def) => def.model).join(', ')}; default ${values})`;
}

function parseBool(name: string): (value: string | undefined) => boolean {
  return (value) => {
    if (value === undefined || /^(true|yes|1)$/i.test(value)) return true;
    if (/^(false|no|0)$/i.test(value)) return false;
    throw new InvalidArgumentError(`--${name} expects true or false, got '${value}'`);
  };
}

function numberChoice(name: string, choices: readonly number[]): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!choices.includes(n)) throw new InvalidArgumentError(`--${name} expects one of ${choices.join(', ')}, got '${value}'`);
    return n;
  };
}

export function engineFlag({ name, spec }: EngineOption, help: string): Option {
  const t = spec.type;
  switch (t.kind) {
    case 'bool':
      return t.cli === 'flag' ? new Option(`--${name}`, help) : new Option(`--${name} [bool]`, help).argParser(parseBool(name));
    case 'int':
      return new Option(`--${name} <n>`, help).argParser(parseIntOption(name));
    case 'float':
      return new Option(`--${name} <x>`, help).argParser(parseFloatOption(name));
    case 'text':
      return new Option(`--${name} <text>`, help);
    case 'choice':
      if (t.choices.every((c) => typeof c === 'number')) return new Option(`--${name} <n>`, help).argParser(numberChoice(name, t.choices));
      return new Option(`--${name} <value>`, help).choices(t.choices.map(String));
  }
}

export function addEngineOptions(cmd: Command): Command {
  for (const o of engineOptions()) cmd.addOption(engineFlag(o, `${o.spec.help} ${defaultsText(o)}`));
  return cmd;
}

/** Only the options the user gave, so each model's own defaults apply to the rest. */
export function givenEngineOptions(flags: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name } of engineOptions()) if (flags[name] !== undefined) out[name] = flags[name];
  return out;
}
