// How a model's definition becomes its schema and flags: its own options, the shared defaults it
// changes, the shared options it leaves out, and defaults that follow a mode. The definition below
// is shaped like the CUT repository's modify_commandline_options (--CUT_mode CUT | FastCUT).
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { defaultsText, engineFlag } from '../../../main/cli/train-options.js';
import { bool, choice, defineModel, float, modelSchema, option, optionSpecs, switchMode } from '../../../main/options/index.js';

const contrastive = defineModel({
  model: 'contrastive',
  label: 'Contrastive',
  summary: 'two unpaired sets, one way',
  data: 'unpaired',
  without: ['norm'],
  defaults: { pool_size: 0, no_dropout: true },
  options: {
    CUT_mode: option({
      type: choice(['CUT', 'FastCUT']),
      default: 'CUT',
      label: 'Mode',
      help: 'CUT, or the faster FastCUT.',
      group: 'Loss',
    }),
    lambda_NCE: option({
      type: float({ min: 0 }),
      default: 1,
      label: 'NCE weight',
      help: 'Weight of the patch contrastive loss.',
      group: 'Loss',
    }),
    nce_idt: option({ type: bool(), default: false, label: 'NCE identity', help: 'Also use the NCE loss on G(Y), Y.', group: 'Loss' }),
  },
  modes: {
    option: 'CUT_mode',
    defaults: { CUT: { nce_idt: true, lambda_NCE: 1 }, FastCUT: { nce_idt: false, lambda_NCE: 10, n_epochs: 150, n_epochs_decay: 50 } },
  },
});

describe('a model definition', () => {
  const schema = modelSchema(contrastive);

  it('gives its own options, the shared ones it keeps, and its changes to their defaults', () => {
    const o = schema.parse({ model: 'contrastive' });
    expect(o).toMatchObject({ model: 'contrastive', CUT_mode: 'CUT', pool_size: 0, no_dropout: true, ngf: 64, netG: 'resnet_9blocks' });
    expect('norm' in o).toBe(false);
    expect(schema.safeParse({ model: 'contrastive', norm: 'batch' }).error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      keys: ['norm'],
    });
    expect([...optionSpecs(contrastive).keys()].slice(-3)).toEqual(['CUT_mode', 'lambda_NCE', 'nce_idt']);
  });

  it('fills the defaults of the chosen mode, and a given value wins over them', () => {
    expect(schema.parse({ model: 'contrastive' })).toMatchObject({ nce_idt: true, lambda_NCE: 1, n_epochs: 100, n_epochs_decay: 100 });
    expect(schema.parse({ model: 'contrastive', CUT_mode: 'FastCUT' })).toMatchObject({
      nce_idt: false,
      lambda_NCE: 10,
      n_epochs: 150,
      n_epochs_decay: 50,
    });
    expect(schema.parse({ model: 'contrastive', CUT_mode: 'FastCUT', lambda_NCE: 2 })).toMatchObject({ lambda_NCE: 2, n_epochs: 150 });
    expect(schema.safeParse({ model: 'contrastive', CUT_mode: 'FastCUT', lambda_NCE: -1 }).success).toBe(false);
  });

  it('switching the mode in a form moves what the user left alone to the new defaults, and keeps what they changed', () => {
    const cut = schema.parse({ model: 'contrastive', n_epochs: 7 }) as Record<string, unknown>;
    const fast = switchMode(contrastive, cut, 'FastCUT');
    expect(fast).toMatchObject({ CUT_mode: 'FastCUT', lambda_NCE: 10, nce_idt: false, n_epochs: 7, n_epochs_decay: 50 });
    expect(switchMode(contrastive, fast, 'CUT')).toMatchObject({ lambda_NCE: 1, nce_idt: true, n_epochs: 7, n_epochs_decay: 100 });
  });

  it('says in --help which default each mode gives', () => {
    const specs = optionSpecs(contrastive);
    expect(defaultsText({ name: 'lambda_NCE', spec: specs.get('lambda_NCE')!, models: [contrastive] })).toBe(
      '(only for contrastive; default 1 with --CUT_mode CUT, 10 with --CUT_mode FastCUT)',
    );
    expect(defaultsText({ name: 'ngf', spec: specs.get('ngf')!, models: [contrastive] })).toBe('(only for contrastive; default 64)');
  });

  it('takes true/false after a switch that can be turned off (the CUT repository’s str2bool)', () => {
    const parse = (args: string[]) => {
      const cmd = new Command('t').exitOverride().configureOutput({ writeErr: () => undefined });
      cmd.addOption(engineFlag({ name: 'nce_idt', spec: optionSpecs(contrastive).get('nce_idt')!, models: [contrastive] }, 'help'));
      return cmd.parse(args, { from: 'user' }).opts()['nce_idt'];
    };
    expect(parse(['--nce_idt'])).toBe(true);
    expect(parse(['--nce_idt', 'false'])).toBe(false);
    expect(parse(['--nce_idt', 'yes'])).toBe(true);
    expect(() => parse(['--nce_idt', 'maybe'])).toThrow(/--nce_idt expects true or false, got 'maybe'/);
  });

  it('refuses to declare again an option every model has', () => {
    const twice = defineModel({
      model: 'twice',
      label: 'Twice',
      summary: 'x',
      data: 'paired',
      options: { ngf: option({ type: float(), default: 1, label: 'x', help: 'x', group: 'Network' }) },
    });
    expect(() => modelSchema(twice)).toThrow(/twice declares ngf, which every model already has/);
  });
});
