// Why a job's process ended without a result, and how to carry on, in words a user understands.
import type { ChildExit } from './launcher.js';
import { partialFolderFor, type JobKind, type JobSpec, type WireTrainingProgress } from './protocol.js';
import type { JobPace } from './shutdown-grace.js';

export function processName(kind: JobKind): string {
  const names: Record<JobKind, string> = {
    train: 'trainer process',
    export: 'export process',
    import: 'import process',
    'model-export': 'model export process',
    probe: 'GPU probe process',
  };
  return names[kind];
}

/** What the studio says when it ends a job's process itself: "the trainer process " + one of these. */
export const ENDED_BY = {
  request: 'was ended on request',
  /** Its own shutdown waited the job's grace (shutdown-grace.ts) in vain: not a crash, not memory. */
  shutdownTimeout: (graceMs: number, pace: JobPace): string => {
    const measured = pace.secondsPerStep === null ? '' : ` (its steps take about ${formatSeconds(pace.secondsPerStep)})`;
    return `was ended by the studio, which was stopping: it had not saved within the ${formatSeconds(graceMs / 1000)} allowed${measured}`;
  },
  /** A second Ctrl-C (or signal) while the studio was stopping. */
  abort: (cause: string): string => `was ended by the studio, which was told to stop without waiting (${cause})`,
};

function formatSeconds(s: number): string {
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

export interface InterruptedJob {
  kind: JobKind;
  spec: JobSpec;
  lastCheckpoint?: { progress: WireTrainingProgress };
}

/**
 * `endedBy`: set when the studio itself ended the process, saying who and why ("was ended on
 * request"); the exit then needs no guessing. A SIGKILL the studio did not send is most often the
 * system reclaiming memory.
 */
export function interruptionReason(
  info: InterruptedJob,
  exit: ChildExit,
  stderrTail: readonly string[] = [],
  endedBy: string | null = null,
): string {
  const who = `the ${processName(info.kind)}`;
  const heapExhausted = stderrTail.some((l) => /heap out of memory|Reached heap limit|Allocation failed/i.test(l));
  let what: string;
  if (endedBy) what = `${who} ${endedBy}`;
  else if (exit.error && exit.code === null && exit.signal === null) what = `${who} could not be started (${exit.error})`;
  else if (heapExhausted) what = `${who} ran out of memory`;
  else if (exit.signal === 'SIGKILL') what = `${who} was killed (SIGKILL) — possibly out of memory`;
  else if (exit.signal) what = `${who} was ended by ${exit.signal}`;
  else if (exit.code === 0) what = `${who} ended without reporting a result`;
  else what = `${who} exited unexpectedly (code ${exit.code})`;

  if (info.spec.kind === 'export') {
    return `${what}; run the export again to continue — finished images are kept in ${partialFolderFor(info.spec.output, info.spec.jobId)}`;
  }
  return `${what}; ${resumeHint(info)}`;
}

/** How to carry on after a job ended early: what a resume starts from, or that nothing was kept. */
export function resumeHint(info: Pick<InterruptedJob, 'spec' | 'lastCheckpoint'>): string {
  if (info.spec.kind !== 'train') return 'nothing was written — try again';
  const at = info.lastCheckpoint?.progress.totalIters;
  if (at !== undefined) return `resume continues from the last checkpoint at iteration ${at}`;
  if (info.spec.resume) return "resume continues from the run's last checkpoint";
  return 'no checkpoint was saved yet, so the run has to start again';
}
