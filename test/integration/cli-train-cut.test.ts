import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readCheckpointOptions } from '../../main/gan/models/model-checkpoint.js';
import { cliDemoFolder } from '../helpers/cli-demo.js';
import { runCli } from '../helpers/run-cli.js';

const dir = cliDemoFolder('tandem-cli-cut-', { trainCount: 6, testCount: 2, size: 48 });

const tiny = [
  '--ngf',
  '4',
  '--ndf',
  '4',
  '--netG',
  'resnet_6blocks',
  '--netF_nc',
  '8',
  '--num_patches',
  '8',
  '--load_size',
  '40',
  '--crop_size',
  '32',
];

describe('tandem train --model cut', () => {
  it('trains FastCUT on unpaired folders with its preset, writes samples and a checkpoint, and resumes', async () => {
    const args = [
      'train',
      '--model',
      'cut',
      '--CUT_mode',
      'FastCUT',
      '--dataroot',
      'data/unpaired',
      '--name',
      'fast',
      ...tiny,
      '--display_freq',
      '6',
    ];
    const r = await runCli([...args, '--n_epochs', '1', '--n_epochs_decay', '0'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/finished 1 epochs \(6 images\)/);
    expect(r.stderr).toMatch(/G_GAN [\d.e+-]+ D_real [\d.e+-]+ D_fake [\d.e+-]+ G [\d.e+-]+ NCE [\d.e+-]+/);
    const run = path.join(dir, 'checkpoints', 'fast');
    const { options, progress } = await readCheckpointOptions(path.join(run, 'latest.tandem'));
    // FastCUT's preset: λ_NCE 10, no identity NCE, flips; epochs as given.
    expect(options).toMatchObject({
      model: 'cut',
      CUT_mode: 'FastCUT',
      lambda_NCE: 10,
      nce_idt: false,
      flip_equivariance: true,
      init_type: 'xavier',
      n_epochs: 1,
    });
    expect(progress.totalIters).toBe(6);
    // real A | fake B | real B, one row per sample image (2 test images).
    const grid = await sharp(path.join(run, 'samples', 'iter_00000006.png')).metadata();
    expect([grid.width! / 32, grid.height! / 32].map(Math.round)).toEqual([3, 2]);

    const resumed = await runCli(
      [
        'train',
        '--model',
        'cut',
        '--dataroot',
        'data/unpaired',
        '--name',
        'fast',
        '--resume',
        '--n_epochs',
        '2',
        '--n_epochs_decay',
        '0',
        '--display_freq',
        '6',
      ],
      dir,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming fast at epoch 2/);
    expect(resumed.stderr).toMatch(/finished 2 epochs \(12 images\)/);
    expect(readdirSync(path.join(run, 'samples'))).toContain('iter_00000012.png');

    // The trained generator translates a folder (onnxruntime, as for the other models) and exports.
    const translated = await runCli(
      ['translate', '--model', path.join('checkpoints', 'fast', 'latest.tandem'), '--input', 'data/unpaired/testA', '--output', 'out'],
      dir,
    );
    expect(translated.code, translated.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'out')).length).toBe(2);
    const exported = await runCli(
      ['export-model', path.join('checkpoints', 'fast', 'latest.tandem'), '--format', 'onnx', '--out', 'fast.onnx'],
      dir,
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'fast.onnx'))).toBe(true);
  });

  it('trains CUT (identity NCE: idt B in the samples) and refuses a misspelt or impossible option', async () => {
    const r = await runCli(
      [
        'train',
        '--model',
        'cut',
        '--dataroot',
        'data/unpaired',
        '--name',
        'cut',
        ...tiny,
        '--n_epochs',
        '1',
        '--n_epochs_decay',
        '0',
        '--display_freq',
        '6',
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/NCE [\d.e+-]+ NCE_Y [\d.e+-]+/);
    const run = path.join(dir, 'checkpoints', 'cut');
    expect(existsSync(path.join(run, 'latest.tandem'))).toBe(true);
    const grid = await sharp(path.join(run, 'samples', 'iter_00000006.png')).metadata();
    expect(Math.round(grid.width! / 32)).toBe(4);

    const bad = await runCli(
      ['train', '--model', 'cut', '--dataroot', 'data/unpaired', '--name', 'bad', ...tiny, '--nce_layers', '0,4,99'],
      dir,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--nce_layers 0,4,99: the generator has layers 0 to/);
  });
});
