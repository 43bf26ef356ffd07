// What stopping the studio means for the work in progress, one phrase per run for the terminal:
// before (what it waits for, and how long at most), on a second Ctrl-C (what each run loses), and
// after (how each run ended and where it resumes).
import type { StudioContext } from './context.js';

const LATEST_CHECKPOINT_FILE = 'latest.tandem';

interface LiveTraining {
  runId: string;
  jobId: string;
  name: string;
}

/** Training runs with a live job of this studio process. */
export function liveTrainings(ctx: StudioContext): LiveTraining[] {
  return [...ctx.jobs.entries()].flatMap(([jobId, job]) => {
    const run = job.kind === 'train' ? ctx.store.runs.get(job.subject) : null;
    return run ? [{ runId: run.id, jobId, name: run.name }] : [];
  });
}

/** Before a graceful stop: "run "a" finishes its step and saves a checkpoint (waiting up to 45 s)". */
export function gracefulStopNotice(ctx: StudioContext): string[] {
  const runs = liveTrainings(ctx);
  const phrases = runs.map((r) => {
    const ms = ctx.runner.shutdownGraceMs(r.jobId);
    return `run "${r.name}" finishes its step and saves a checkpoint${ms === null ? '' : ` (waiting up to ${Math.ceil(ms / 1000)} s)`}`;
  });
  const others = ctx.jobs.size - runs.length;
  if (others > 0) phrases.push(`${others} other job${others > 1 ? 's stop' : ' stops'} after the current item`);
  return phrases;
}

/** On stopping at once: what each training loses, counted from its live progress and its checkpoint. */
export function abortNotice(ctx: StudioContext): string[] {
  return liveTrainings(ctx).map((r) => {
    const at = ctx.progress.get(r.runId)?.totalIters;
    const saved = ctx.store.artifacts.checkpointByFile(r.runId, LATEST_CHECKPOINT_FILE)?.totalIters;
    if (at === undefined) return `run "${r.name}" loses nothing (it had not trained a step yet)`;
    if (saved === undefined) return `run "${r.name}" loses all its ${at} iterations (it has no checkpoint yet)`;
    if (at <= saved) return `run "${r.name}" loses nothing (its checkpoint at iteration ${saved} is current)`;
    return `run "${r.name}" loses the iterations since its last checkpoint (${at - saved}: it is at ${at}, the checkpoint at ${saved})`;
  });
}

/** After stopping: how each run that was live ended ("run "a" stopped; resume continues at iteration 57"). */
export function endedNotice(ctx: StudioContext, runIds: readonly string[]): string[] {
  return runIds.flatMap((runId) => {
    const run = ctx.store.runs.get(runId);
    if (!run) return [];
    const saved = ctx.store.artifacts.checkpointByFile(runId, LATEST_CHECKPOINT_FILE)?.totalIters;
    if (run.status === 'stopped' && saved !== undefined)
      return [`run "${run.name}" stopped with a checkpoint; resume continues from iteration ${saved}`];
    return [`run "${run.name}" ${run.status}${run.statusReason ? `: ${run.statusReason}` : ''}`];
  });
}
