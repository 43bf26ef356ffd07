import { Option, type Command } from 'commander';
import { CUT_OPTION_HELP } from '../gan/models/cut-options.js';
import { parseFloatOption, parseIntOption } from './argv.js';

/** The official str2bool: `--nce_idt` alone is true; `--nce_idt false` turns a mode's default off. */
function parseBool(name: string): (value: string) => boolean {
  return (value) => {
    const v = value.toLowerCase();
    if (['true', 't', 'yes', 'y', '1'].includes(v)) return true;
    if (['false', 'f', 'no', 'n', '0'].includes(v)) return false;
    throw new Error(`--${name} expects true or false, got '${value}'`);
  };
}

/** CUT and FastCUT's own options (--model cut), by their official names; each is passed on only when given. */
export function addCutOptions(cmd: Command): Command {
  for (const [name, kind, help] of CUT_OPTION_HELP) {
    const text = `CUT: ${help}`;
    if (kind === 'bool') cmd.addOption(new Option(`--${name} [bool]`, text).argParser(parseBool(name)).preset(true));
    else if (kind === 'int') cmd.option(`--${name} <n>`, text, parseIntOption(name));
    else if (kind === 'float') cmd.option(`--${name} <x>`, text, parseFloatOption(name));
    else if (kind === 'text') cmd.option(`--${name} <list>`, text);
    else cmd.addOption(new Option(`--${name} <value>`, text).choices(kind));
  }
  return cmd;
}

export function givenCutOptions(flags: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name] of CUT_OPTION_HELP) if (flags[name] !== undefined) out[name] = flags[name];
  return out;
}
