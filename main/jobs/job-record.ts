// The supervisor's private bookkeeping for one job: what it tells the world (`info`) plus the
// process handle, queued control messages and timers that never leave the supervisor.
import type { ChildHandle } from './launcher.js';
import type { SupervisedJob } from './job-state.js';
import type { JobResult, JobSpec, ParentMessageInput } from './protocol.js';

export interface JobRecord {
  info: SupervisedJob;
  child: ChildHandle | null;
  /** `start` has been sent (after the child's hello). */
  started: boolean;
  /** Control messages asked for before the child could take them. */
  outbox: ParentMessageInput[];
  outcome:
    | { kind: 'finished'; result: JobResult }
    | { kind: 'failed'; message: string; userFacing: boolean }
    | { kind: 'interrupted'; reason: string }
    | null;
  cancelBeforeStart: boolean;
  /** The studio ended the process: who and why, for the reason ("was ended on request"). */
  endedBy: string | null;
  stderrTail: string[];
  timers: Set<NodeJS.Timeout>;
  settled: Array<(info: SupervisedJob) => void>;
}

/** A freshly queued job's record. */
export function queuedJobRecord(job: JobSpec): JobRecord {
  return {
    info: {
      jobId: job.jobId,
      kind: job.kind,
      spec: job,
      state: 'queued',
      pace: { secondsPerStep: null, checkpointSeconds: null },
      enqueuedAt: Date.now(),
    },
    child: null,
    started: false,
    outbox: [],
    outcome: null,
    cancelBeforeStart: false,
    endedBy: null,
    stderrTail: [],
    timers: new Set(),
    settled: [],
  };
}

/** A copy for listeners and callers, so nothing outside can change the supervisor's records. */
export function snapshot(info: SupervisedJob): SupervisedJob {
  return structuredClone(info);
}
