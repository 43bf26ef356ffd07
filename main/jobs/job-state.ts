// The job supervisor's vocabulary: a job's states, what it knows of a job, the events it emits.
import type { ChildLauncher } from './launcher.js';
import type { JobKind, JobState } from './job-names.js';
import type { ChildMessage, JobResult, JobSpec, JobSpecInput, WireTrainingProgress } from './protocol.js';
import type { JobPace } from './shutdown-grace.js';

export { FINAL_STATES, LIVE_STATES, type JobState } from './job-names.js';

/** What the supervisor knows of a job (the API's JobInfo is the studio's stored row for it). */
export interface SupervisedJob {
  jobId: string;
  kind: JobKind;
  spec: JobSpec;
  state: JobState;
  /** The child's process id while it runs. */
  pid?: number;
  /** The backend the child chose, from its `ready`. */
  backendLine?: string;
  /** Training: the newest checkpoint this job knows of (saved now, or the one it resumed from). */
  lastCheckpoint?: { file: string | null; progress: WireTrainingProgress };
  /** Training: what the trainer measured of its steps and checkpoint writes (sizes the wait when stopping). */
  pace: JobPace;
  /** finished: what the job reports. */
  result?: JobResult;
  /** failed, interrupted, cancelled: one line for the user. */
  reason?: string;
  /** failed: whether `reason` is written for the user (bad folder) or describes a bug. */
  userFacing?: boolean;
  enqueuedAt: number;
  startedAt?: number;
  endedAt?: number;
}

export type SupervisorEvent =
  | { type: 'state'; jobId: string; state: JobState; previous: JobState | null; job: SupervisedJob }
  /** Every message of a child, validated; the child's stdout/stderr lines come as `log` (info/warn). */
  | { type: 'message'; jobId: string; message: ChildMessage }
  /** A child sent something that is not a valid message; it was ignored. */
  | { type: 'protocol-error'; jobId: string; error: string };

export type SupervisorListener = (event: SupervisorEvent) => void;

/** A job as a caller writes it; the job id is generated when absent. */
export type EnqueueSpec = JobSpecInput extends infer S
  ? S extends { jobId: string }
    ? Omit<S, 'jobId'> & { jobId?: string }
    : never
  : never;

export interface SupervisorOptions {
  launcher?: ChildLauncher;
  /** The child entry point (default: child-main.ts beside this file). */
  entry?: string;
  /** Heavy jobs at once (default 1: two trainings would fight over memory and cores). */
  maxConcurrent?: number;
  /** The children's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** A child that has not said hello by then is killed (default 60 s). */
  helloTimeoutMs?: number;
  /** After its last message, a child that has not exited by then is killed (default 10 s). */
  exitGraceMs?: number;
}

/** A job the supervisor cannot accept, or a request it cannot carry out; the message says why. */
export class JobRequestError extends Error {
  override readonly name = 'JobRequestError';
}
