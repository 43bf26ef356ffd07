// The jobs this studio process started and that have not ended: one registry keyed by job id,
// holding each job's kind and subject (the run a training or an import works on, an image export,
// a model export), and the hand-over to the runner with the bookkeeping every kind shares.
import type { JobInfo, JobKind } from '../api/entities.js';
import type { BackendName } from '../api/run-options.js';
import type { JobSpecInput } from '../jobs/protocol.js';
import { newId } from '../store/ids.js';
import type { StudioContext } from './context.js';
import { StudioError } from './studio-error.js';

/** The kinds of job the studio records (a GPU probe is asked of the runner directly, with no record). */
export type StudioJobKind = Exclude<JobKind, 'probe'>;

/** What a job works on; it follows from the job's kind. */
export type SubjectKind = 'run' | 'export' | 'modelExport';
const SUBJECT_KIND: Readonly<Record<StudioJobKind, SubjectKind>> = {
  train: 'run',
  import: 'run',
  export: 'export',
  'model-export': 'modelExport',
};

export function subjectKind(kind: StudioJobKind): SubjectKind {
  return SUBJECT_KIND[kind];
}

export interface LiveJob {
  kind: StudioJobKind;
  /** The id of its run, export or model export (which of them: subjectKind(kind)). */
  subject: string;
  stopRequested: boolean;
  /** The backend the job reported running on (its 'ready' message). */
  backend?: Exclude<BackendName, 'auto'>;
}

/** The subject as the API's JobInfo (and the jobs table) names it. */
export function subjectFields(job: Pick<LiveJob, 'kind' | 'subject'>): Pick<JobInfo, 'runId' | 'exportId' | 'modelExportId'> {
  const on = subjectKind(job.kind);
  const id = (kind: SubjectKind): string | null => (on === kind ? job.subject : null);
  return { runId: id('run'), exportId: id('export'), modelExportId: id('modelExport') };
}

export class LiveJobs {
  private readonly byId = new Map<string, LiveJob>();

  get size(): number {
    return this.byId.size;
  }

  get(jobId: string): LiveJob | undefined {
    return this.byId.get(jobId);
  }

  add(jobId: string, job: LiveJob): void {
    this.byId.set(jobId, job);
  }

  delete(jobId: string): void {
    this.byId.delete(jobId);
  }

  /** The id of the live job working on this run, export or model export; null when none is. */
  of(on: SubjectKind, id: string): string | null {
    for (const [jobId, job] of this.byId) if (job.subject === id && subjectKind(job.kind) === on) return jobId;
    return null;
  }

  /** Oldest first. */
  entries(): IterableIterator<[string, LiveJob]> {
    return this.byId.entries();
  }
}

/** A job spec as a service writes it: the job id and the backend are added at launch. */
export type JobRequest = JobSpecInput extends infer S ? (S extends unknown ? Omit<S, 'jobId' | 'backend'> : never) : never;

export interface Launch {
  /** The run, export or model export the job works on. */
  subject: string;
  spec: JobRequest;
  backend: BackendName;
  /** For the refusal: "Could not start the <what>: …". */
  what: string;
  /** Puts the subject's record right when the runner refuses the job. */
  onRefused: (why: string) => void;
}

/**
 * Queues a job; returns its id. The job row is recorded before enqueue, because the runner may
 * report 'starting' before enqueue returns. When the runner refuses, the job is recorded as
 * failed, `onRefused` runs, and a StudioError ('unavailable') says why.
 */
export function launchJob(ctx: StudioContext, { subject, spec, backend, what, onRefused }: Launch): string {
  const jobId = newId('j');
  if (spec.kind === 'probe') throw new Error('a GPU probe is asked of the runner (probeGpu), not launched as a studio job');
  const job: LiveJob = { kind: spec.kind, subject, stopRequested: false };
  ctx.store.jobs.insert({ id: jobId, kind: job.kind, ...subjectFields(job), state: 'queued', reason: null }, ctx.now());
  ctx.jobs.add(jobId, job);
  try {
    // 'auto' is left to the job process, where TANDEM_BACKEND may still choose.
    ctx.runner.enqueue({ ...spec, jobId, ...(backend === 'auto' ? {} : { backend }) } as JobSpecInput);
  } catch (e) {
    const why = `Could not start the ${what}: ${(e as Error).message}`;
    ctx.jobs.delete(jobId);
    ctx.store.jobs.setState(jobId, 'failed', why, ctx.now());
    onRefused(why);
    throw new StudioError('unavailable', why);
  }
  return jobId;
}

/** Refuses work that needs a job process when this build has no runner ("Exporting is not available …"). */
export function requireRunner(ctx: StudioContext, doing: string): void {
  if (!ctx.runner.available) throw new StudioError('unavailable', `${doing} is not available in this Tandem build (no job runner).`);
}

/**
 * Pauses, resumes or stops a live job. The runner refuses a control that races with a state
 * change (pausing a job that just ended): that becomes a 'conflict' telling to reload the `noun`.
 */
export function controlJob(ctx: StudioContext, jobId: string, action: 'pause' | 'resume' | 'stop', noun: string): void {
  const job = ctx.jobs.get(jobId);
  if (action === 'stop' && job) job.stopRequested = true;
  try {
    ctx.runner[action](jobId);
  } catch (e) {
    throw new StudioError('conflict', `${(e as Error).message}; reload the ${noun} to see its state.`);
  }
}
