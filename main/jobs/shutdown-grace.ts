// How long the studio waits, when it stops, for a job to finish its step, save and exit before it
// ends the job. A fixed wait is wrong both ways: a big CycleGAN on a loaded CPU can take longer
// than 30 s for one step plus its checkpoint, and a tiny one needs 2 s. So the wait follows what the
// trainer measured: its step time (it reports one with every step) and its checkpoint writes.
import type { JobKind } from './protocol.js';

/** What a job has measured of itself so far (null: not yet). */
export interface JobPace {
  /** Seconds per training step, as the trainer reports it (smoothed over recent steps). */
  secondsPerStep: number | null;
  /** The slowest checkpoint write so far. */
  checkpointSeconds: number | null;
}

export const SHUTDOWN_GRACE = {
  /** Never less: process exit, flushing messages, a slow disk. */
  floorMs: 15_000,
  /**
   * Steps allowed: the one running when the stop came, and slack because a step is measured on
   * average and the machine may just have become busier (the studio itself is stopping).
   */
  steps: 3,
  /** Checkpoint writes allowed: an interval checkpoint may fall on that last step, then the stop's. */
  checkpoints: 2,
  /** A checkpoint write not measured yet (the first comes at an epoch's end): a big model on a slow disk. */
  unmeasuredCheckpointSeconds: 20,
  /** Exports stop after the current image, imports and model exports take seconds: no measure needed. */
  otherJobsMs: 30_000,
} as const;

/**
 * The wait for one job, in ms. A training job without a measured step has done no step this
 * session, so nothing would be lost by ending it: the floor is enough.
 */
export function shutdownGraceMs(kind: JobKind, pace: JobPace): number {
  if (kind !== 'train') return SHUTDOWN_GRACE.otherJobsMs;
  if (pace.secondsPerStep === null) return SHUTDOWN_GRACE.floorMs;
  const checkpoint = pace.checkpointSeconds ?? SHUTDOWN_GRACE.unmeasuredCheckpointSeconds;
  const seconds = SHUTDOWN_GRACE.steps * pace.secondsPerStep + SHUTDOWN_GRACE.checkpoints * checkpoint;
  return Math.max(SHUTDOWN_GRACE.floorMs, Math.ceil(seconds * 1000));
}
