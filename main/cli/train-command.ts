import path from 'node:path';
import { Command, Option } from 'commander';
import { runScheduleSchema } from '../api/run-options.js';
import type { LayoutSpec } from '../data/layout.js';
import { initBackend } from '../gan/backend/index.js';
import { formatDuration } from '../gan/training/eta.js';
import { LATEST, type IterationInfo } from '../gan/training/trainer.js';
import { assembleTraining, RunStateError, type AssembledTraining } from '../jobs/assemble-training.js';
import { MODELS, SHARED_OPTIONS, type ModelName } from '../options/index.js';
import { parseIntOption } from './argv.js';
import { ProgressLine } from './progress.js';
import { addEngineOptions, givenEngineOptions } from './train-options.js';
import { UserError } from './user-error.js';

interface TrainFlags extends Record<string, unknown> {
  model: ModelName;
  dataroot?: string;
  dataA?: string;
  dataB?: string;
  phase: 'train' | 'test' | 'val';
  name?: string;
  checkpoints_dir: string;
  resume?: boolean;
  continue_train?: boolean;
  init_from?: string;
  backend?: string;
  display_freq: number;
  save_latest_freq: number;
  save_epoch_freq: number;
  num_samples: number;
  serial_batches?: boolean;
}

export function trainCommand(): Command {
  const schedule = runScheduleSchema.parse({});
  const models = MODELS.map((m) => `${m.model} (${m.summary})`);
  const cmd = new Command('train')
    .description("train a pix2pix, CycleGAN or CUT model on your folders (the reference's options and defaults)")
    .addOption(
      new Option('--model <name>', `${models.slice(0, -1).join(', ')} or ${models.at(-1)}`)
        .choices(MODELS.map((m) => m.model))
        .makeOptionMandatory(),
    )
    .option('--dataroot <folder>', "a dataset in the reference's layout (train/ of A|B images, or trainA/ + trainB/)")
    .option('--dataA <folder>', 'the A images (with --dataB: pairs matched by file name for pix2pix, unpaired for CycleGAN)')
    .option('--dataB <folder>', 'the B images')
    .addOption(new Option('--phase <phase>', 'which split of --dataroot to train on').choices(['train', 'test', 'val']).default('train'))
    .option('--checkpoints_dir <folder>', 'where runs are kept', './checkpoints')
    .option('--resume', 'continue the run <name> from its latest checkpoint (alias: --continue_train)')
    .option('--continue_train', 'same as --resume')
    .option(
      '--init_from <model>',
      "fine-tune: start a new run from the weights of a Tandem model (an imported .pth, or another run's checkpoint); its architecture is taken from it",
    )
    .option('--backend <name>', 'auto, gpu, webgpu, node, wasm or cpu (default: auto, or TANDEM_BACKEND)')
    .option('--display_freq <n>', 'write a sample grid every n images', parseIntOption('display_freq'), schedule.sampleEvery)
    .option('--save_latest_freq <n>', 'save latest.tandem every n images', parseIntOption('save_latest_freq'), schedule.checkpointEvery)
    .option('--save_epoch_freq <n>', 'keep a checkpoint every n epochs', parseIntOption('save_epoch_freq'), schedule.saveEpochFreq)
    .option('--num_samples <n>', 'images in the sample grid (fixed for the whole run)', parseIntOption('num_samples'), schedule.numSamples)
    .option('--serial_batches', 'take images in order instead of shuffling');
  addEngineOptions(cmd);
  return cmd.action(async (flags: TrainFlags) => runTraining(flags));
}

function layoutSpec(f: TrainFlags): LayoutSpec {
  if (f.dataroot && (f.dataA || f.dataB)) throw new UserError('give either --dataroot or --dataA and --dataB, not both');
  // CUT trains on unpaired sets laid out as CycleGAN's.
  if (f.dataroot) return { kind: 'detect', dataroot: f.dataroot, phase: f.phase, model: f.model === 'cut' ? 'cyclegan' : f.model };
  if (f.dataA && f.dataB)
    return f.model === 'pix2pix'
      ? { kind: 'paired-folders', dirA: f.dataA, dirB: f.dataB }
      : { kind: 'unpaired', dirA: f.dataA, dirB: f.dataB };
  throw new UserError('say where the images are: --dataroot <folder>, or --dataA <folder> --dataB <folder>');
}

function lossText(names: readonly string[], losses: Record<string, number>): string {
  return names
    .filter((k) => losses[k] !== undefined)
    .map((k) => `${k} ${losses[k]!.toPrecision(3)}`)
    .join(' ');
}

function whatIsLost({ iters, saved }: { iters: number; saved: number | null }): string {
  if (saved === null) return `the run's ${iters} iterations are lost (no checkpoint was saved yet)`;
  if (iters <= saved) return `nothing is lost (the checkpoint at iteration ${saved} is current)`;
  return `the ${iters - saved} iterations since the last checkpoint are lost (it is at ${iters}, the checkpoint at ${saved})`;
}

async function runTraining(f: TrainFlags): Promise<void> {
  const backend = await initBackend(f.backend);
  console.error(backend.line);
  const name = f.name ?? String(SHARED_OPTIONS.name.default);
  const runDir = path.join(f.checkpoints_dir, name);
  const resume = Boolean(f.resume || f.continue_train);
  const data = layoutSpec(f);
  // The run's name is its folder: a resumed run keeps the name it has.
  const { name: _name, ...given } = givenEngineOptions(f);

  const bar: { line: ProgressLine | null; epoch: number } = { line: null, epoch: -1 };
  const lossNames: string[] = [];
  // Where the run stands and what its latest checkpoint holds: a second Ctrl-C says what it loses.
  const position: { iters: number; saved: number | null } = { iters: 0, saved: null };
  const onIteration = (i: IterationInfo) => {
    position.iters = i.totalIters;
    if (bar.epoch !== i.epoch) {
      bar.line?.stop();
      bar.line = new ProgressLine(`epoch ${i.epoch}/${i.lastEpoch}`, i.epochSize);
      bar.epoch = i.epoch;
    }
    const rate = i.secondsPerIter > 0 ? `${(1 / i.secondsPerIter).toFixed(2)} img/s` : '';
    // Until a few steps are measured the ETA comes from the network size: say so.
    const basis = i.speedBasis === 'estimate' ? ' (estimated)' : '';
    const eta = `ETA${basis} epoch ${formatDuration(i.etaEpochSeconds)}, run ${formatDuration(i.etaRunSeconds)}`;
    bar.line!.update(i.epochIter, i.epochSize, `${rate} | ${eta} | ${lossText(lossNames, i.losses)}`);
  };

  let run: AssembledTraining;
  try {
    run = await assembleTraining(
      {
        runDir,
        data,
        // A new run takes the model kind and name from the command; a resumed one keeps its own.
        options: resume ? given : { ...given, model: f.model, name },
        resume,
        schedule: { sampleEvery: f.display_freq, checkpointEvery: f.save_latest_freq, saveEpochFreq: f.save_epoch_freq },
        numSamples: f.num_samples,
        serialBatches: Boolean(f.serial_batches),
        ...(f.init_from && !resume ? { initFrom: { file: path.resolve(f.init_from), generatorsOnly: false } } : {}),
      },
      {
        onNote: (line) => console.error(line),
        onSkip: (file, reason) => console.error(`\nskipped ${file}: ${reason} (the run goes on)`),
        events: {
          onIteration,
          onCheckpoint: (c) => {
            if (path.basename(c.file) === LATEST) position.saved = c.progress.totalIters;
          },
          onEpochEnd: (e) => {
            bar.line?.stop();
            bar.epoch = -1;
            console.error(
              `epoch ${e.epoch} done in ${formatDuration(e.seconds)}; learning rate ${e.lrBefore.toExponential(3)} → ${e.lrAfter.toExponential(3)}`,
            );
          },
        },
      },
    );
  } catch (e) {
    if (e instanceof RunStateError) {
      throw new UserError(
        e.problem === 'nothing-to-resume'
          ? `there is no run to resume at ${runDir} (no ${LATEST}); drop --resume to start it`
          : `a run named '${name}' already exists in ${f.checkpoints_dir}; add --resume to continue it, or choose another --name`,
      );
    }
    throw e;
  }
  lossNames.push(...run.model.lossNames);
  position.iters = run.progress.totalIters;
  if (run.resumed) position.saved = run.progress.totalIters;

  try {
    const abort = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        console.error('\nstopping after this step and saving a checkpoint… (Ctrl-C again to quit without saving)');
        abort.abort();
      } else {
        console.error(`\nstopping now: ${whatIsLost(position)}`);
        process.exit(130);
      }
    };
    process.on('SIGINT', onSigint);
    try {
      if (run.hasSamples) await run.trainer.writeSample(run.progress.totalIters);
      const result = await run.trainer.run(run.progress, abort.signal);
      bar.line?.stop();
      const where = `checkpoint: ${result.latestCheckpoint}; samples: ${path.join(runDir, 'samples')}`;
      if (result.stopped) {
        console.error(
          `stopped at epoch ${result.progress.epoch} (${result.progress.totalIters} images); ${where}\nresume with the same command plus --resume`,
        );
      } else {
        console.error(`finished ${run.lastEpoch} epochs (${result.progress.totalIters} images); ${where}`);
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
  } finally {
    run.dispose();
  }
}
