import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { assertTrainable, formatHealthReport, inspectDataset } from '../data/health.js';
import { detectLayout, resolveLayout, type DatasetLayout, type LayoutSpec } from '../data/layout.js';
import { DatasetLoader } from '../data/loader.js';
import { initBackend } from '../gan/backend/index.js';
import { createModel } from '../gan/models/create-model.js';
import type { GanModel, TrainingBatch } from '../gan/models/model.js';
import { loadModelCheckpoint, type TrainingProgress } from '../gan/models/model-checkpoint.js';
import { resolveOptions, type ModelOptions, type ModelOptionsInput } from '../gan/models/options.js';
import { tf } from '../gan/tf.js';
import { formatDuration } from '../gan/training/eta.js';
import { LATEST, Trainer, type BatchSource, type IterationInfo } from '../gan/training/trainer.js';
import { parseIntOption } from './argv.js';
import { ProgressLine } from './progress.js';
import { addEngineOptions, givenEngineOptions } from './train-options.js';
import { UserError } from './user-error.js';

interface TrainFlags extends Record<string, unknown> {
  model: 'pix2pix' | 'cyclegan';
  dataroot?: string;
  dataA?: string;
  dataB?: string;
  phase: 'train' | 'test' | 'val';
  name: string;
  checkpoints_dir: string;
  resume?: boolean;
  continue_train?: boolean;
  backend?: string;
  display_freq: number;
  save_latest_freq: number;
  save_epoch_freq: number;
  num_samples: number;
  serial_batches?: boolean;
}

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description('train a pix2pix or CycleGAN model on your folders (the reference\'s options and defaults)')
    .addOption(new Option('--model <name>', 'pix2pix (paired images) or cyclegan (two unpaired sets)').choices(['pix2pix', 'cyclegan']).makeOptionMandatory())
    .option('--dataroot <folder>', "a dataset in the reference's layout (train/ of A|B images, or trainA/ + trainB/)")
    .option('--dataA <folder>', 'the A images (with --dataB: pairs matched by file name for pix2pix, unpaired for CycleGAN)')
    .option('--dataB <folder>', 'the B images')
    .addOption(new Option('--phase <phase>', 'which split of --dataroot to train on').choices(['train', 'test', 'val']).default('train'))
    .option('--name <name>', 'the run name: checkpoints and samples go under <checkpoints_dir>/<name>/', 'experiment_name')
    .option('--checkpoints_dir <folder>', 'where runs are kept', './checkpoints')
    .option('--resume', 'continue the run <name> from its latest checkpoint (alias: --continue_train)')
    .option('--continue_train', 'same as --resume')
    .option('--backend <name>', 'auto, gpu, node, wasm or cpu (default: auto, or TANDEM_BACKEND)')
    .option('--display_freq <n>', 'write a sample grid every n images', parseIntOption('display_freq'), 400)
    .option('--save_latest_freq <n>', 'save latest.tandem every n images', parseIntOption('save_latest_freq'), 5000)
    .option('--save_epoch_freq <n>', 'keep a checkpoint every n epochs', parseIntOption('save_epoch_freq'), 5)
    .option('--num_samples <n>', 'images in the sample grid (fixed for the whole run)', parseIntOption('num_samples'), 4);
  addEngineOptions(cmd);
  return cmd.action(async (flags: TrainFlags) => runTraining(flags));
}

function layoutSpec(f: TrainFlags): LayoutSpec {
  if (f.dataroot && (f.dataA || f.dataB)) throw new UserError('give either --dataroot or --dataA and --dataB, not both');
  if (f.dataroot) return { kind: 'detect', dataroot: f.dataroot, phase: f.phase, model: f.model };
  if (f.dataA && f.dataB) return f.model === 'pix2pix' ? { kind: 'paired-folders', dirA: f.dataA, dirB: f.dataB } : { kind: 'unpaired', dirA: f.dataA, dirB: f.dataB };
  throw new UserError('say where the images are: --dataroot <folder>, or --dataA <folder> --dataB <folder>');
}

/** Fixed sample images: the test split when the dataset has one, else the first training items. */
async function sampleLayout(f: TrainFlags, trainLayout: DatasetLayout): Promise<DatasetLayout> {
  if (!f.dataroot) return trainLayout;
  try {
    return await detectLayout({ dataroot: f.dataroot, phase: 'test', model: f.model });
  } catch {
    return trainLayout;
  }
}

async function loadSamples(layout: DatasetLayout, o: ModelOptions, count: number): Promise<TrainingBatch | null> {
  if (count <= 0) return null;
  const loader = new DatasetLoader(layout, {
    batch_size: count,
    serial_batches: true,
    max_dataset_size: count,
    preprocess: { preprocess: o.preprocess, load_size: o.load_size, crop_size: o.crop_size, no_flip: true, input_nc: o.input_nc, output_nc: o.output_nc },
    direction: o.direction,
    seed: o.seed,
    prefetch: 0,
  });
  for await (const batch of loader.epoch(1)) return { A: batch.A, B: batch.B };
  return null;
}

function lossText(names: readonly string[], losses: Record<string, number>): string {
  return names
    .filter((k) => losses[k] !== undefined)
    .map((k) => `${k} ${losses[k]!.toPrecision(3)}`)
    .join(' ');
}

async function runTraining(f: TrainFlags): Promise<void> {
  const backend = await initBackend(f.backend);
  console.error(backend.line);
  const runDir = path.join(f.checkpoints_dir, f.name);
  const latest = path.join(runDir, LATEST);
  const resume = Boolean(f.resume || f.continue_train);

  const layout = await resolveLayout(layoutSpec(f));
  const given = givenEngineOptions(f);

  let model: GanModel;
  let progress: TrainingProgress;
  if (resume) {
    if (!existsSync(latest)) throw new UserError(`there is no run to resume at ${runDir} (no ${LATEST}); drop --resume to start it`);
    const loaded = await loadModelCheckpoint(latest, {
      ...(given.n_epochs !== undefined ? { n_epochs: given.n_epochs as number } : {}),
      ...(given.n_epochs_decay !== undefined ? { n_epochs_decay: given.n_epochs_decay as number } : {}),
    });
    model = loaded.model;
    progress = loaded.progress;
    const ignored = Object.keys(given).filter((k) => k !== 'n_epochs' && k !== 'n_epochs_decay' && given[k] !== (loaded.options as Record<string, unknown>)[k]);
    if (ignored.length) console.error(`note: resuming with the run's own options; ignoring --${ignored.join(', --')}`);
    console.error(`resuming ${f.name} at epoch ${progress.epoch}, image ${progress.epochIter} of the epoch (${progress.totalIters} images so far)`);
  } else {
    if (existsSync(latest)) throw new UserError(`a run named '${f.name}' already exists in ${f.checkpoints_dir}; add --resume to continue it, or choose another --name`);
    const options = resolveOptions({ ...given, model: f.model, name: f.name } as ModelOptionsInput);
    model = createModel(options);
    progress = { epoch: options.epoch_count, epochIter: 0, totalIters: 0 };
    await mkdir(runDir, { recursive: true });
    await writeFile(path.join(runDir, 'options.json'), `${JSON.stringify(options, null, 2)}\n`);
  }
  const o = model.options;

  try {
    const report = await inspectDataset(layout, { cropSize: o.crop_size });
    console.error(formatHealthReport(report));
    assertTrainable(report);

    const loader = new DatasetLoader(layout, {
      batch_size: o.batch_size,
      serial_batches: Boolean(f.serial_batches),
      max_dataset_size: o.max_dataset_size,
      preprocess: { preprocess: o.preprocess, load_size: o.load_size, crop_size: o.crop_size, no_flip: o.no_flip, input_nc: o.input_nc, output_nc: o.output_nc },
      direction: o.direction,
      seed: o.seed,
    });
    loader.onSkip((file, reason) => console.error(`\nskipped ${file}: ${reason} (the run goes on)`));
    // The trainer counts images; the loader resumes by batch.
    const source: BatchSource = { size: loader.size, epoch: (n, opts) => loader.epoch(n, { startAt: Math.floor((opts?.startAt ?? 0) / o.batch_size) }) };
    const samples = await loadSamples(await sampleLayout(f, layout), o, f.num_samples);

    const lastEpoch = o.n_epochs + o.n_epochs_decay;
    const bar: { line: ProgressLine | null; epoch: number } = { line: null, epoch: -1 };
    const onIteration = (i: IterationInfo) => {
      if (bar.epoch !== i.epoch) {
        bar.line?.stop();
        bar.line = new ProgressLine(`epoch ${i.epoch}/${i.lastEpoch}`, i.epochSize);
        bar.epoch = i.epoch;
      }
      const rate = i.secondsPerIter > 0 ? `${(1 / i.secondsPerIter).toFixed(2)} img/s` : '';
      bar.line!.update(i.epochIter, i.epochSize, `${rate} | ETA epoch ${formatDuration(i.etaEpochSeconds)}, run ${formatDuration(i.etaRunSeconds)} | ${lossText(model.lossNames, i.losses)}`);
    };
    const trainer = new Trainer(
      model,
      source,
      runDir,
      { lastEpoch, sampleEvery: f.display_freq, checkpointEvery: f.save_latest_freq, saveEpochFreq: f.save_epoch_freq },
      samples,
      {
        onIteration,
        onEpochEnd: (e) => {
          bar.line?.stop();
          bar.epoch = -1;
          console.error(`epoch ${e.epoch} done in ${formatDuration(e.seconds)}; learning rate ${e.lrBefore.toExponential(3)} → ${e.lrAfter.toExponential(3)}`);
        },
      },
    );
    const abort = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        console.error('\nstopping after this step and saving a checkpoint… (Ctrl-C again to quit without saving)');
        abort.abort();
      } else {
        process.exit(130);
      }
    };
    process.on('SIGINT', onSigint);
    try {
      if (samples) await trainer.writeSample(progress.totalIters);
      const result = await trainer.run(progress, abort.signal);
      bar.line?.stop();
      const where = `checkpoint: ${result.latestCheckpoint}; samples: ${path.join(runDir, 'samples')}`;
      if (result.stopped) {
        console.error(`stopped at epoch ${result.progress.epoch} (${result.progress.totalIters} images); ${where}\nresume with the same command plus --resume`);
      } else {
        console.error(`finished ${lastEpoch} epochs (${result.progress.totalIters} images); ${where}`);
      }
    } finally {
      process.off('SIGINT', onSigint);
      if (samples) tf.dispose([samples.A, samples.B]);
    }
  } finally {
    model.dispose();
  }
}
