// Hands a job to the runner, with the bookkeeping every kind shares: the job row (recorded before
// enqueue, because the runner may report 'starting' before enqueue returns), the link from job to
// what it works on, and a clean undo when the runner refuses.
import { newId } from '../store/ids.js';
import type { JobLink, StudioContext } from './context.js';
import type { JobSpec } from './job-runner.js';
import { StudioError } from './studio-error.js';

type Target = Partial<Pick<JobLink, 'runId' | 'exportId' | 'modelExportId'>>;

function liveMap(ctx: StudioContext, link: JobLink): [Map<string, string>, string] | null {
  if (link.runId) return [ctx.runJobs, link.runId];
  if (link.exportId) return [ctx.exportJobs, link.exportId];
  if (link.modelExportId) return [ctx.modelExportJobs, link.modelExportId];
  return null;
}

/**
 * Queues `spec`; returns the job id. When the runner refuses, the job is recorded as failed and a
 * StudioError ('unavailable') says why; `onRefused` first puts the caller's record right.
 */
export function launchJob(ctx: StudioContext, target: Target, spec: JobSpec, what: string, onRefused: (why: string) => void): string {
  const jobId = newId('j');
  const link: JobLink = { kind: spec.kind, runId: target.runId ?? null, exportId: target.exportId ?? null, modelExportId: target.modelExportId ?? null, stopRequested: false };
  ctx.store.jobs.insert({ id: jobId, kind: spec.kind, runId: link.runId, exportId: link.exportId, modelExportId: link.modelExportId, state: 'queued', reason: null }, ctx.now());
  ctx.jobs.set(jobId, link);
  const live = liveMap(ctx, link);
  if (live) live[0].set(live[1], jobId);
  try {
    ctx.runner.enqueue(jobId, spec);
  } catch (e) {
    const why = `Could not start the ${what}: ${(e as Error).message}`;
    ctx.jobs.delete(jobId);
    if (live) live[0].delete(live[1]);
    ctx.store.jobs.setState(jobId, 'failed', why, ctx.now());
    onRefused(why);
    throw new StudioError('unavailable', why);
  }
  return jobId;
}
