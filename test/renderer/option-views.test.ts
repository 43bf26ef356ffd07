// @vitest-environment happy-dom
// The three views of the training options cannot drift apart: every option the engine's schema
// takes has a field in the Train form and a flag of `tandem train`, and nothing else does; the form
// shows the schema's default, the flag's help names the same default, and the two explain the
// option in the same words.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { Project } from '../../main/api/entities.js';
import { runOptionsSchema } from '../../main/api/run-options.js';
import { normaliseOptionNames } from '../../main/cli/argv.js';
import { addEngineOptions, engineOptions, givenEngineOptions } from '../../main/cli/train-options.js';
import { MODELS, type ModelName } from '../../main/options/index.js';
import { settle, useDom } from './helpers/dom.js';
import { project } from './helpers/fixtures.js';
import { openApp } from './helpers/open-app.js';

useDom();

const unpaired = project({ id: 'p_unpaired1', kind: 'unpaired', layout: 'unpaired' });
/** Each model through a preset that trains it; `mode`: the model's mode the preset picks. */
const cases: Array<[model: ModelName, preset: string, p: Project, mode: Record<string, string>]> = [
  ['pix2pix', 'pix2pix-paper', project(), {}],
  ['cyclegan', 'cyclegan-paper', unpaired, {}],
  ['cut', 'fastcut', unpaired, { CUT_mode: 'FastCUT' }],
];

/** The flags `tandem train` adds for the engine: long name → help. */
function cliFlags(): Map<string, string> {
  const cmd = addEngineOptions(new Command('train'));
  return new Map(cmd.options.map((o) => [o.attributeName(), o.description]));
}

/**
 * What the flag's help says this model's default is (under `mode`): "(default: 64)", "(default: pix2pix batch,
 * cyclegan instance)", "(only for cyclegan; default 10)", "(only for cut; default 1 with --CUT_mode CUT, 10 with
 * --CUT_mode FastCUT)", "(default: pix2pix 100, cyclegan 100, cut 200 with --CUT_mode CUT, 150 with --CUT_mode FastCUT)".
 */
function cliDefault(description: string, help: string, model: string, mode: string | undefined): string {
  expect(description.startsWith(`${help} (`), description).toBe(true);
  const said = description.slice(help.length + 2, -1).replace(/^default: |^only for [^;]+; default /, '');
  // Parts without a model's name belong to the model named before them (or to every model).
  const byModel = new Map<string, string[]>();
  let owner = '*';
  for (const part of said.split(', ')) {
    const named = MODELS.find((m) => part.startsWith(`${m.model} `))?.model;
    if (named) owner = named;
    byModel.set(owner, [...(byModel.get(owner) ?? []), named ? part.slice(named.length + 1) : part]);
  }
  const mine = byModel.get(model) ?? byModel.get('*')!;
  if (mine.length === 1) return mine[0]!;
  const underMode = mine.find((v) => v.endsWith(` ${mode}`));
  expect(underMode, `${description}: a default for ${mode}`).toBeDefined();
  return underMode!.replace(/ with --\S+ \S+$/, '');
}

const asCli = (v: unknown) => (v === null ? 'none' : typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v));

describe.each(cases)('the %s options', (model, preset, p, mode) => {
  it('have one field and one flag each, with the schema’s default and the same help', async () => {
    const { target } = await openApp(`#/p/${p.id}/train`, {}, [p]);
    (target.querySelector(`input[name="preset"][value="${preset}"]`) as HTMLInputElement).click();
    const showAll = [...target.querySelectorAll('label')]
      .find((l) => l.textContent?.trim() === 'Show all options')!
      .querySelector('input')!;
    showAll.click();
    await settle();

    const defaults = runOptionsSchema.parse({ model, ...mode }) as unknown as Record<string, unknown>;
    const modeKey = Object.keys(mode)[0];
    // --help names the mode option's own default; the form shows the preset's mode.
    const cliDefaults = runOptionsSchema.parse({ model }) as unknown as Record<string, unknown>;
    const keys = Object.keys(defaults)
      .filter((k) => k !== 'model')
      .sort();
    const fields = [...target.querySelectorAll('.opt label[for^="opt-"]')].map((l) => l.getAttribute('for')!.slice('opt-'.length));
    expect([...fields].sort()).toEqual(keys);
    const flags = cliFlags();
    const modelFlags = engineOptions().filter((o) => o.models.some((m) => m.model === model));
    expect(modelFlags.map((o) => o.name).sort()).toEqual(keys);

    for (const key of keys) {
      const control = target.querySelector(`#opt-${key}`) as HTMLInputElement | HTMLSelectElement;
      const shown = control instanceof HTMLInputElement && control.type === 'checkbox' ? control.checked : control.value;
      const d = defaults[key];
      expect(shown, `form default of ${key}`).toBe(typeof d === 'boolean' ? d : d === null ? '' : String(d));
      const help = target.querySelector(`#opt-${key}-help`)!.textContent!.trim();
      const cliSays = cliDefault(flags.get(key)!, help, model, modeKey ? mode[modeKey] : undefined);
      expect(cliSays, `--${key}'s default`).toBe(asCli(key === modeKey ? cliDefaults[key] : d));
    }
  });
});

describe('tandem train flags', () => {
  it('are options of some model, and nothing else', () => {
    const keys = new Set(MODELS.flatMap(({ model }) => Object.keys(runOptionsSchema.parse({ model }))));
    for (const name of cliFlags().keys()) expect(keys.has(name), `--${name}`).toBe(true);
  });

  it('take the kebab-case alias of every option (--load-size for --load_size)', () => {
    const kebab = (name: string) => name.replaceAll('_', '-');
    const cmd = addEngineOptions(new Command('train')).exitOverride();
    const textOptions = new Set(
      engineOptions()
        .filter((o) => o.spec.type.kind === 'text')
        .map((o) => o.name),
    );
    const args: string[] = [];
    const expected: Record<string, unknown> = {};
    for (const o of cmd.options) {
      const name = o.attributeName();
      // A value each kind accepts, different from every default.
      if (o.isBoolean()) {
        args.push(`--${kebab(name)}`);
        expected[name] = true;
      } else if (o.optional) {
        // A str2bool option (CUT's --nce_idt [bool]): `false` turns a mode's default off.
        args.push(`--${kebab(name)}`, 'false');
        expected[name] = false;
      } else {
        const text = textOptions.has(name);
        const value = o.argChoices?.at(-1) ?? (name === 'input_nc' || name === 'output_nc' ? '1' : text ? `${name}-7` : '7');
        args.push(`--${kebab(name)}`, value);
        expected[name] = !text && /^\d+$/.test(value) ? Number(value) : value;
      }
    }
    cmd.parse(normaliseOptionNames(args), { from: 'user' });
    expect(givenEngineOptions(cmd.opts())).toEqual(expected);
  });
});
