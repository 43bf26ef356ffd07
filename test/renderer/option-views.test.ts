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
import { MODELS } from '../../main/options/index.js';
import { settle, useDom } from './helpers/dom.js';
import { project } from './helpers/fixtures.js';
import { openApp } from './helpers/open-app.js';

useDom();

const cases: Array<[model: 'pix2pix' | 'cyclegan', preset: string, p: Project]> = [
  ['pix2pix', 'pix2pix-paper', project()],
  ['cyclegan', 'cyclegan-paper', project({ id: 'p_unpaired1', kind: 'unpaired', layout: 'unpaired' })],
];

/** The flags `tandem train` adds for the engine: long name → help. */
function cliFlags(): Map<string, string> {
  const cmd = addEngineOptions(new Command('train'));
  return new Map(cmd.options.map((o) => [o.attributeName(), o.description]));
}

/** What the flag's help says this model's default is: "(default: 64)", "(default: pix2pix batch, cyclegan instance)", "(only for cyclegan; default 10)". */
function cliDefault(description: string, help: string, model: string): string {
  expect(description.startsWith(`${help} (`), description).toBe(true);
  const said = description.slice(help.length + 2, -1).replace(/^default: |^only for [^;]+; default /, '');
  const mine = said.split(', ').find((part) => part.startsWith(`${model} `));
  return mine ? mine.slice(model.length + 1) : said;
}

const asCli = (v: unknown) => (v === null ? 'none' : typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v));

describe.each(cases)('the %s options', (model, preset, p) => {
  it('have one field and one flag each, with the schema’s default and the same help', async () => {
    const { target } = await openApp(`#/p/${p.id}/train`, {}, [p]);
    (target.querySelector(`input[name="preset"][value="${preset}"]`) as HTMLInputElement).click();
    const showAll = [...target.querySelectorAll('label')].find((l) => l.textContent?.trim() === 'Show all options')!.querySelector('input')!;
    showAll.click();
    await settle();

    const defaults = runOptionsSchema.parse({ model }) as unknown as Record<string, unknown>;
    const keys = Object.keys(defaults).filter((k) => k !== 'model').sort();
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
      expect(cliDefault(flags.get(key)!, help, model), `--${key}'s default`).toBe(asCli(d));
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
    const textOptions = new Set(engineOptions().filter((o) => o.spec.type.kind === 'text').map((o) => o.name));
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
