// What a job's child process does to its record: each message it sends (already validated by
// parseChildMessage) and, at the end, how it exited. Kept apart from the supervisor, which owns the
// queue, the timers and the events, so the protocol's effect on a job reads in one place.
import type { ChildExit, ChildHandle } from './launcher.js';
import { interruptionReason, resumeHint } from './interruption-reason.js';
import type { JobRecord } from './job-record.js';
import type { JobState } from './job-state.js';
import { PROTOCOL_VERSION, type ChildMessage, type ParentMessageInput } from './protocol.js';

/** The supervisor's side of the conversation, which a message may need. */
export interface ChildMessageHooks {
  setState(job: JobRecord, state: JobState): void;
  send(job: JobRecord, message: ParentMessageInput): void;
  /** Kills the child if it has not exited once the exit grace is over (it has said its last word). */
  killAfterExitGrace(job: JobRecord, child: ChildHandle): void;
}

export function applyChildMessage(job: JobRecord, child: ChildHandle, message: ChildMessage, hooks: ChildMessageHooks): void {
  const info = job.info;
  switch (message.type) {
    case 'hello':
      if (message.protocol !== PROTOCOL_VERSION) {
        job.outcome = {
          kind: 'failed',
          message: `the job process speaks protocol ${message.protocol}, the studio ${PROTOCOL_VERSION}; reinstall Tandem`,
          userFacing: true,
        };
        child.kill('SIGKILL');
        return;
      }
      if (job.cancelBeforeStart) return;
      job.started = true;
      hooks.send(job, { type: 'start', spec: info.spec });
      for (const m of job.outbox.splice(0)) hooks.send(job, m);
      return;
    case 'ready':
      info.backendLine = message.backendLine;
      if (info.state === 'starting') hooks.setState(job, 'running');
      return;
    case 'started':
      // On resume this is the checkpoint the run continues from.
      if (message.resumed && !info.lastCheckpoint) info.lastCheckpoint = { file: null, progress: message.progress };
      return;
    case 'metrics':
      info.pace.secondsPerStep = message.secondsPerIter;
      return;
    case 'checkpoint':
      info.lastCheckpoint = { file: message.file, progress: message.progress };
      if (message.seconds !== undefined) info.pace.checkpointSeconds = Math.max(info.pace.checkpointSeconds ?? 0, message.seconds);
      return;
    case 'paused':
      if (info.state === 'running') hooks.setState(job, 'paused');
      return;
    case 'resumed':
      if (info.state === 'paused') hooks.setState(job, 'running');
      return;
    case 'finished':
      job.outcome = { kind: 'finished', result: message.result };
      hooks.killAfterExitGrace(job, child);
      return;
    case 'failed':
      job.outcome = { kind: 'failed', message: message.message, userFacing: message.userFacing };
      hooks.killAfterExitGrace(job, child);
      return;
    case 'interrupted':
      job.outcome = { kind: 'interrupted', reason: message.reason };
      hooks.killAfterExitGrace(job, child);
      return;
    default:
      return;
  }
}

/**
 * The state a job ends in once its child has exited, with its result or reason filled in: what the
 * child said last wins; a silent exit is an interruption explained from the exit and stderr.
 */
export function finalStateOnExit(job: JobRecord, exit: ChildExit): JobState {
  const outcome = job.outcome;
  if (outcome?.kind === 'finished') {
    job.info.result = outcome.result;
    return 'finished';
  }
  if (outcome?.kind === 'failed') {
    job.info.reason = outcome.message;
    job.info.userFacing = outcome.userFacing;
    return 'failed';
  }
  if (outcome?.kind === 'interrupted') {
    job.info.reason = `${outcome.reason}; ${resumeHint(job.info)}`;
    return 'interrupted';
  }
  if (job.cancelBeforeStart) {
    job.info.reason = 'cancelled before it started';
    return 'cancelled';
  }
  job.info.reason = interruptionReason(job.info, exit, job.stderrTail, job.endedBy);
  return 'interrupted';
}
