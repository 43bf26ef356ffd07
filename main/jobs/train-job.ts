// A training job inside the child process: the same assembly as `tandem train`, with the
// trainer's events turned into protocol messages and its batches passing the pause gate.
import path from 'node:path';
import { initBackend } from '../gan/backend/index.js';
import { formatDuration } from '../gan/training/eta.js';
import { LATEST, type Trainer } from '../gan/training/trainer.js';
import { assembleTraining } from './assemble-training.js';
import { throttle, type JobContext } from './job-context.js';
import { pausableSource } from './pause-gate.js';
import type { TrainJobSpec, TrainResultMessage } from './protocol.js';
import { readyMessage } from './ready-message.js';

/** Progress messages at most this often (metrics go out every iteration; the parent throttles those). */
const PROGRESS_INTERVAL_MS = 200;

export async function runTrainJob(spec: TrainJobSpec, ctx: JobContext): Promise<TrainResultMessage> {
  const backend = await initBackend(spec.backend);
  ctx.send(readyMessage(backend));

  const progressDue = throttle(PROGRESS_INTERVAL_MS);
  // The trainer is built with the source it reads from; the source tells it when a pause ends.
  let trainer: Trainer | null = null;
  const run = await assembleTraining(spec, {
    onNote: (line) => ctx.send({ type: 'log', level: 'info', line }),
    onSkip: (file, reason) => ctx.send({ type: 'skipped', path: file, reason }),
    wrapSource: (source) => pausableSource(source, ctx.gate, () => trainer?.resumeClock()),
    events: {
      onIteration: (i) => {
        // A metric records what this step took; progress carries the speed the ETA rests on.
        const { epoch, epochIter, epochSize, totalIters, lastEpoch, secondsPerIter, speedBasis, etaEpochSeconds, etaRunSeconds } = i;
        ctx.send({ type: 'metrics', totalIters, epoch, losses: finiteOrNull(i.losses), lr: i.lr, secondsPerIter: i.stepSeconds });
        if (progressDue(epochIter >= epochSize)) {
          const eta = { etaEpochSeconds, etaRunSeconds };
          ctx.send({
            type: 'progress',
            job: 'train',
            epoch,
            epochIter,
            epochSize,
            totalIters,
            lastEpoch,
            secondsPerIter,
            speedBasis,
            ...eta,
          });
        }
      },
      onSample: (s) => ctx.send({ type: 'sample', file: s.file, totalIters: s.totalIters }),
      onCheckpoint: (c) => ctx.send({ type: 'checkpoint', file: c.file, progress: c.progress, reason: c.reason, seconds: c.seconds }),
      onEpochEnd: (e) =>
        ctx.send({
          type: 'log',
          level: 'info',
          line: `epoch ${e.epoch} done in ${formatDuration(e.seconds)}; learning rate ${e.lrBefore.toExponential(3)} → ${e.lrAfter.toExponential(3)}`,
        }),
    },
  });
  trainer = run.trainer;
  try {
    ctx.send({
      type: 'started',
      progress: run.progress,
      resumed: run.resumed,
      lastEpoch: run.lastEpoch,
      epochSize: run.epochSize,
      lossNames: [...run.model.lossNames],
    });
    if (ctx.signal.aborted) {
      // Stopped while loading: nothing trained, nothing to save.
      return {
        kind: 'train',
        stopped: true,
        progress: run.progress,
        latestCheckpoint: run.resumed ? path.join(spec.runDir, LATEST) : null,
      };
    }
    if (run.hasSamples) await run.trainer.writeSample(run.progress.totalIters);
    const result = await run.trainer.run(run.progress, ctx.signal);
    return { kind: 'train', stopped: result.stopped, progress: result.progress, latestCheckpoint: result.latestCheckpoint };
  } finally {
    run.dispose();
  }
}

/** JSON cannot carry NaN or ∞ (a diverged run); they travel as null. */
function finiteOrNull(losses: Record<string, number>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(losses)) out[k] = Number.isFinite(v) ? v : null;
  return out;
}
