import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readCheckpointOptions } from '../../main/gan/models/model-checkpoint.js';
import { REFERENCE_DIR } from '../helpers/reference-fixtures.js';
import { cliDemoFolder } from '../helpers/cli-demo.js';
import { runCli, startCli } from '../helpers/run-cli.js';

const dir = cliDemoFolder('tandem-cli-train-', { trainCount: 8, testCount: 2, size: 48 });

/** `tandem train` of pix2pix on the demo's paired data, as run `name`. */
const pix2pixArgs = (name: string, ...rest: string[]) => [
  'train',
  '--model',
  'pix2pix',
  '--dataroot',
  'data/paired',
  '--name',
  name,
  ...rest,
];
const tiny = ['--ngf', '4', '--ndf', '4', '--netG', 'resnet_6blocks', '--load_size', '40', '--crop_size', '32'];

describe('tandem inspect', () => {
  it('reports the demo data as JSON', async () => {
    const r = await runCli(['inspect', 'data/unpaired/trainA', 'data/unpaired/trainB', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { folders: Array<{ files: number; readable: number }> };
    expect(report.folders.map((f) => [f.files, f.readable])).toEqual([
      [8, 8],
      [8, 8],
    ]);
  });
});

describe('tandem train', () => {
  it('trains pix2pix on the demo data and leaves a checkpoint and sample grids', async () => {
    const r = await runCli(pix2pixArgs('p2p', ...tiny, '--n_epochs', '1', '--n_epochs_decay', '1', '--display_freq', '8'), dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/backend: wasm/);
    expect(r.stderr).toMatch(/Usable for training: 8/);
    expect(r.stderr).toMatch(/finished 2 epochs \(16 images\)/);
    const run = path.join(dir, 'checkpoints', 'p2p');
    expect(existsSync(path.join(run, 'latest.tandem'))).toBe(true);
    expect(readdirSync(path.join(run, 'samples'))).toEqual(['iter_00000000.png', 'iter_00000008.png', 'iter_00000016.png']);
    const { options, progress } = await readCheckpointOptions(path.join(run, 'latest.tandem'));
    expect(options).toMatchObject({ model: 'pix2pix', netG: 'resnet_6blocks', ngf: 4, crop_size: 32, gan_mode: 'vanilla', lambda_L1: 100 });
    expect(progress.totalIters).toBe(16);
  });

  it('fine-tunes pix2pix from an imported reference generator, taking its architecture from the file', async () => {
    const pth = path.join(REFERENCE_DIR, 'pth', 'resnet6_ngf8_instance.pth');
    const imported = await runCli(['import-model', pth, '--out', 'g.tandem'], dir);
    expect(imported.code, imported.stderr).toBe(0);
    // No --netG/--ngf/--norm: they come from the imported generator (resnet_6blocks, 8, instance).
    const r = await runCli(
      pix2pixArgs(
        'tuned',
        '--init_from',
        'g.tandem',
        '--ndf',
        '4',
        '--load_size',
        '40',
        '--crop_size',
        '32',
        '--n_epochs',
        '1',
        '--n_epochs_decay',
        '0',
        '--display_freq',
        '0',
      ),
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/starting from the generator in g\.tandem; the discriminator starts fresh/);
    const { options } = await readCheckpointOptions(path.join(dir, 'checkpoints', 'tuned', 'latest.tandem'));
    expect(options).toMatchObject({ netG: 'resnet_6blocks', ngf: 8, norm: 'instance', ndf: 4 });

    const clash = await runCli(pix2pixArgs('clash', '--init_from', 'g.tandem', '--ngf', '16', ...tiny.slice(2)), dir);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/g\.tandem cannot start this run: its weights are for ngf 8 \(not 16\)/);
  });

  it('refuses to overwrite a run, and says how to continue it', async () => {
    const r = await runCli(pix2pixArgs('p2p', ...tiny), dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a run named 'p2p' already exists .* add --resume/);
  });

  it('stops cleanly on Ctrl-C with a checkpoint and resumes with the numbering intact', async () => {
    const args = [
      'train',
      '--model',
      'cyclegan',
      '--dataroot',
      'data/unpaired',
      '--name',
      'cg',
      ...tiny,
      '--n_epochs',
      '4',
      '--n_epochs_decay',
      '0',
      '--save_epoch_freq',
      '1',
    ];
    const run = startCli(args, dir);
    // Interrupt once the first epoch's checkpoint exists, i.e. somewhere after epoch 1.
    const firstEpoch = path.join(dir, 'checkpoints', 'cg', 'epoch_1.tandem');
    while (!existsSync(firstEpoch)) await sleep(100);
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    const m = /stopped at epoch (\d+) \((\d+) images\)/.exec(stopped.stderr);
    expect(m, stopped.stderr).not.toBeNull();
    const [epoch, at] = [Number(m![1]), Number(m![2])];
    expect(at).toBeGreaterThanOrEqual(8);
    expect(at).toBeLessThan(32);

    const resumed = await runCli([...args, '--resume'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming cg at epoch ${epoch}, image ${at - 8 * (epoch - 1)} of the epoch (${at} images so far)`);
    expect(resumed.stderr).toMatch(/finished 4 epochs \(32 images\)/);
  });

  it('a second Ctrl-C quits at once and says what that loses', async () => {
    const run = startCli(pix2pixArgs('twice', ...tiny, '--n_epochs', '50', '--n_epochs_decay', '0'), dir);
    const latest = path.join(dir, 'checkpoints', 'twice', 'latest.tandem');
    while (!existsSync(latest)) await sleep(100); // the first epoch's end (iteration 8) saved it
    run.child.kill('SIGINT');
    // Two SIGINTs sent before the process runs merge into one (signals do not queue): wait for the first's answer.
    await run.stderrMatches(/Ctrl-C again to quit without saving/);
    run.child.kill('SIGINT');
    const quit = await run.done;
    expect(quit.code, quit.stderr).toBe(130);
    expect(quit.stderr).toContain('stopping after this step and saving a checkpoint… (Ctrl-C again to quit without saving)');
    expect(quit.stderr).toMatch(
      /stopping now: (the \d+ iterations since the last checkpoint are lost \(it is at \d+, the checkpoint at \d+\)|nothing is lost \(the checkpoint at iteration \d+ is current\))/,
    );
  });

  it('refuses a second trainer on a run another one is writing, and says what to do', async () => {
    const args = pix2pixArgs('shared', ...tiny, '--n_epochs', '50', '--n_epochs_decay', '0');
    const first = startCli(args, dir);
    const latest = path.join(dir, 'checkpoints', 'shared', 'latest.tandem');
    while (!existsSync(latest)) await sleep(100);
    const second = await runCli([...args, '--resume'], dir);
    expect(second.code, second.stderr).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(
        `another trainer \\(process ${first.child.pid}\\) is still writing .*shared.*Try again in a moment; if no Tandem trainer is running, delete`,
      ),
    );
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code, `${stopped.signal ?? ''} ${stopped.stderr}`).toBe(0); // the first trainer went on untouched and stopped with its checkpoint
    const resumed = startCli([...args, '--resume'], dir); // free again once it exited
    await resumed.stderrMatches(/resuming shared at epoch/);
    resumed.child.kill('SIGKILL'); // its own stop is another test's subject
    await resumed.done;
  });

  it('says what is wrong in one line, without a stack trace', async () => {
    const missing = await runCli(['train', '--model', 'pix2pix', '--dataroot', 'nowhere'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^tandem: .*nowhere/m);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const badFlag = await runCli(['train', '--model', 'pix2pix', '--dataroot', 'data/paired', '--ngf', 'many'], dir);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/--ngf expects a whole number/);
    const tooBig = await runCli(
      ['train', '--model', 'cyclegan', '--dataroot', 'data/unpaired', '--name', 'big', '--crop_size', '512', '--load_size', '542'],
      dir,
    );
    expect(tooBig.code).toBe(1);
    expect(tooBig.stderr).toMatch(/needs ~[\d.]+ GB; the wasm backend has 4 GB: use --crop_size \d+ or smaller/);
    expect(existsSync(path.join(dir, 'checkpoints', 'big', 'options.json'))).toBe(false);
  });

  it('refuses a generator too deep for the crop before building anything, in the user’s terms', async () => {
    const r = await runCli(
      pix2pixArgs('deep', '--netG', 'unet_256', '--ngf', '4', '--ndf', '4', '--load_size', '40', '--crop_size', '32'),
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^tandem: invalid training options: --crop_size: unet_256 halves the image 8 times and needs crops of at least 256, not 32: use a crop of 256, or keep 32 with a ResNet generator$/m,
    );
    expect(r.stderr).not.toMatch(/batch norm|\n\s+at /);
    expect(existsSync(path.join(dir, 'checkpoints', 'deep'))).toBe(false);
  });
});
