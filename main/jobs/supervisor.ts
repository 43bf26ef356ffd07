// Runs heavy jobs (training, batch export) in child processes, one at a time by default, so the
// studio process never runs a tensor op and a crash or out-of-memory ends only the child.
//
//   const jobs = new JobSupervisor();                 // forkLauncher, one job at a time
//   const off = jobs.on((e) => …);                    // 'state' | 'message' | 'protocol-error'
//   const id = jobs.enqueue({ kind: 'train', … });    // validated here; throws InvalidJobError
//   jobs.pause(id); jobs.resume(id); jobs.stop(id);   // stop on a queued job cancels it
//   jobs.kill(id);                                    // when a child ignores stop
//   await jobs.settled(id);                           // the SupervisedJob once it is over
//   await jobs.shutdown();                            // stop every child (each saves), kill the stubborn
//   jobs.abort('a second Ctrl-C');                    // during shutdown: end every child now
//
// States: queued → starting → running ⇄ paused → stopping → finished | failed | interrupted |
// cancelled. `finished` covers a stopped job too (its result says `stopped: true`). `interrupted`
// means the process ended without a result (crash, kill -9, out of memory); its `reason` says
// what happened and how to continue.
//
// The supervisor imports nothing from the engine: loading it does not load tfjs.
import { randomUUID } from 'node:crypto';
import { applyChildMessage, finalStateOnExit, type ChildMessageHooks } from './child-messages.js';
import { CHILD_ENTRY, forkLauncher, type ChildExit, type ChildHandle, type ChildLauncher } from './launcher.js';
import { ENDED_BY, processName } from './interruption-reason.js';
import { queuedJobRecord, snapshot, type JobRecord } from './job-record.js';
import { FINAL_STATES, JobRequestError, LIVE_STATES, type EnqueueSpec, type JobState, type SupervisedJob } from './job-state.js';
import type { SupervisorEvent, SupervisorListener, SupervisorOptions } from './job-state.js';
import { parseChildMessage, parseJobSpec, LIGHT_JOB_KINDS, type ParentMessageInput } from './protocol.js';
import { shutdownGraceMs } from './shutdown-grace.js';

export * from './job-state.js';
export { interruptionReason } from './interruption-reason.js';

const STDERR_LINES_KEPT = 40;
const MAX_LIGHT_JOBS = 2;

export class JobSupervisor {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly listeners = new Set<SupervisorListener>();
  private readonly launcher: ChildLauncher;
  private readonly entry: string;
  private readonly maxConcurrent: number;
  private readonly env: NodeJS.ProcessEnv | undefined;
  private readonly helloTimeoutMs: number;
  private readonly exitGraceMs: number;
  private readonly childHooks: ChildMessageHooks;
  private closed = false;

  constructor(options: SupervisorOptions = {}) {
    this.launcher = options.launcher ?? forkLauncher();
    this.entry = options.entry ?? CHILD_ENTRY;
    this.maxConcurrent = options.maxConcurrent ?? 1;
    if (!Number.isInteger(this.maxConcurrent) || this.maxConcurrent < 1)
      throw new JobRequestError(`maxConcurrent must be a whole number ≥ 1; got ${options.maxConcurrent}`);
    this.env = options.env;
    this.helloTimeoutMs = options.helloTimeoutMs ?? 60_000;
    this.exitGraceMs = options.exitGraceMs ?? 10_000;
    this.childHooks = {
      setState: (job, state) => this.setState(job, state),
      send: (job, message) => this.send(job, message),
      killAfterExitGrace: (job, child) => this.later(job, this.exitGraceMs, () => child.kill('SIGKILL')),
    };
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  on(listener: SupervisorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Validates and queues a job; returns its id. Enqueuing a finished job's id again runs it again
   * (an export then continues in its partial folder).
   */
  enqueue(spec: EnqueueSpec): string {
    if (this.closed) throw new JobRequestError('the job supervisor has shut down');
    const withId = { ...spec, jobId: spec.jobId ?? randomUUID() };
    const parsed = parseJobSpec(withId);
    if (!parsed.ok) throw new JobRequestError(parsed.error);
    const job = parsed.value;
    const existing = this.jobs.get(job.jobId);
    if (existing && !FINAL_STATES.has(existing.info.state)) throw new JobRequestError(`job ${job.jobId} is already ${existing.info.state}`);
    const record = queuedJobRecord(job);
    this.jobs.delete(job.jobId); // re-insert: list() keeps enqueue order
    this.jobs.set(job.jobId, record);
    this.emit({ type: 'state', jobId: job.jobId, state: 'queued', previous: existing?.info.state ?? null, job: snapshot(record.info) });
    this.pump();
    return job.jobId;
  }

  /** Pauses a training job before its next iteration; `paused` (event and state) confirms it. */
  pause(jobId: string): void {
    const job = this.live(jobId, 'pause');
    if (job.info.kind !== 'train')
      throw new JobRequestError(
        `only training can be paused; ${job.info.kind === 'export' ? 'stop the export and run it again to continue where it left off' : 'this job takes seconds'}`,
      );
    if (job.info.state === 'stopping') throw new JobRequestError(`job ${jobId} is stopping`);
    this.deliver(job, { type: 'pause' });
  }

  resume(jobId: string): void {
    const job = this.live(jobId, 'resume');
    if (job.info.kind !== 'train' || job.info.state === 'stopping') return;
    this.deliver(job, { type: 'resume' });
  }

  /**
   * Cancels a queued job; asks a running one to stop (training saves a checkpoint first, then the
   * job finishes with `stopped: true`). Does nothing to a job that is over.
   */
  stop(jobId: string): void {
    const job = this.record(jobId);
    const { state } = job.info;
    if (FINAL_STATES.has(state) || state === 'stopping') return;
    if (state === 'queued') {
      job.info.reason = 'cancelled before it started';
      this.settle(job, 'cancelled');
      return;
    }
    this.setState(job, 'stopping');
    if (!job.started) {
      // The child is still loading: there is nothing to save, so end it now.
      job.cancelBeforeStart = true;
      job.child?.kill('SIGTERM');
      return;
    }
    job.outbox = [];
    this.send(job, { type: 'stop' });
  }

  /**
   * Ends a job's process at once (SIGKILL), for a child that does not respond to stop. Training
   * keeps its last checkpoint; the job ends `interrupted`. A queued job is cancelled instead.
   */
  kill(jobId: string, endedBy = ENDED_BY.request): void {
    const job = this.record(jobId);
    if (job.info.state === 'queued') return this.stop(jobId);
    if (!job.child || FINAL_STATES.has(job.info.state)) return;
    job.endedBy ??= endedBy;
    job.child.kill('SIGKILL');
  }

  get(jobId: string): SupervisedJob | undefined {
    const job = this.jobs.get(jobId);
    return job ? snapshot(job.info) : undefined;
  }

  /** Every job this supervisor has seen, in the order they were enqueued. */
  list(): SupervisedJob[] {
    return [...this.jobs.values()].map((j) => snapshot(j.info));
  }

  /** Resolves with the job's final info once it is over (at once when it already is). */
  settled(jobId: string): Promise<SupervisedJob> {
    const job = this.record(jobId);
    if (FINAL_STATES.has(job.info.state)) return Promise.resolve(snapshot(job.info));
    return new Promise((resolve) => job.settled.push(resolve));
  }

  /** How long shutdown() would wait for this job now (from its measured pace; see shutdown-grace.ts). */
  shutdownGraceMs(jobId: string): number {
    const { kind, pace } = this.record(jobId).info;
    return shutdownGraceMs(kind, pace);
  }

  /**
   * Cancels queued jobs and stops running ones: training finishes its step and saves a checkpoint.
   * A job still alive after its grace (`timeoutMs`, else sized from its measured step and checkpoint
   * times) is killed, its reason saying the studio did it. Resolves when every child has exited.
   */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closed = true;
    for (const job of this.jobs.values()) if (job.info.state === 'queued') this.stop(job.info.jobId);
    const live = [...this.jobs.values()].filter((j) => LIVE_STATES.has(j.info.state));
    for (const job of live) {
      const graceMs = options.timeoutMs ?? this.shutdownGraceMs(job.info.jobId);
      this.stop(job.info.jobId);
      this.later(job, graceMs, () => this.kill(job.info.jobId, ENDED_BY.shutdownTimeout(graceMs, job.info.pace)));
    }
    await Promise.all(live.map((j) => this.settled(j.info.jobId)));
  }

  /**
   * Ends every live child at once (a second Ctrl-C during shutdown); their runs keep only what their
   * last checkpoint holds. `cause` completes their reason: "… told to stop without waiting (cause)".
   */
  abort(cause: string): void {
    this.closed = true;
    for (const job of this.jobs.values()) {
      if (job.info.state === 'queued') this.stop(job.info.jobId);
      else if (LIVE_STATES.has(job.info.state)) this.kill(job.info.jobId, ENDED_BY.abort(cause));
    }
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  private record(jobId: string): JobRecord {
    const job = this.jobs.get(jobId);
    if (!job) throw new JobRequestError(`there is no job ${jobId}`);
    return job;
  }

  private live(jobId: string, action: string): JobRecord {
    const job = this.record(jobId);
    if (!LIVE_STATES.has(job.info.state)) throw new JobRequestError(`cannot ${action} job ${jobId}: it is ${job.info.state}`);
    return job;
  }

  private emit(event: SupervisorEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        // A listener's bug must not take the job bookkeeping down with it.
        process.emitWarning(`a job supervisor listener threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  private setState(job: JobRecord, state: JobState): void {
    const previous = job.info.state;
    if (previous === state) return;
    job.info.state = state;
    this.emit({ type: 'state', jobId: job.info.jobId, state, previous, job: snapshot(job.info) });
  }

  private settle(job: JobRecord, state: JobState): void {
    for (const t of job.timers) clearTimeout(t);
    job.timers.clear();
    job.child = null;
    delete job.info.pid;
    job.info.endedAt = Date.now();
    this.setState(job, state);
    const info = snapshot(job.info);
    for (const resolve of job.settled.splice(0)) resolve(info);
    this.pump();
  }

  private later(job: JobRecord, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      job.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    job.timers.add(t);
  }

  /**
   * Starts queued jobs while there is room. Light jobs (an import, a model export: seconds, a few
   * hundred MB) have their own small allowance, so they never wait hours behind a training.
   */
  private pump(): void {
    if (this.closed) return;
    const jobs = [...this.jobs.values()];
    const live = jobs.filter((j) => LIVE_STATES.has(j.info.state));
    const running = {
      heavy: live.filter((j) => !LIGHT_JOB_KINDS.has(j.info.kind)).length,
      light: live.filter((j) => LIGHT_JOB_KINDS.has(j.info.kind)).length,
    };
    for (const job of jobs) {
      if (job.info.state !== 'queued') continue;
      const lane = LIGHT_JOB_KINDS.has(job.info.kind) ? 'light' : 'heavy';
      if (running[lane] >= (lane === 'light' ? MAX_LIGHT_JOBS : this.maxConcurrent)) continue;
      this.launch(job);
      running[lane]++;
    }
  }

  private launch(job: JobRecord): void {
    job.info.startedAt = Date.now();
    this.setState(job, 'starting');
    let child: ChildHandle;
    try {
      child = this.launcher.start(this.entry, [], this.env ? { env: this.env } : {});
    } catch (e) {
      job.info.reason = `the ${processName(job.info.kind)} could not be started: ${e instanceof Error ? e.message : String(e)}`;
      this.settle(job, 'interrupted');
      return;
    }
    job.child = child;
    if (child.pid !== undefined) job.info.pid = child.pid;
    child.on('message', (raw) => this.onChildMessage(job, child, raw));
    child.on('output', (stream, line) => this.onChildOutput(job, child, stream, line));
    child.on('exit', (exit) => this.onChildExit(job, child, exit));
    this.later(job, this.helloTimeoutMs, () => {
      if (job.child === child && !job.started && !job.cancelBeforeStart) {
        job.outcome = {
          kind: 'failed',
          message: `the ${processName(job.info.kind)} did not start within ${Math.round(this.helloTimeoutMs / 1000)} s`,
          userFacing: true,
        };
        child.kill('SIGKILL');
      }
    });
  }

  private deliver(job: JobRecord, message: ParentMessageInput): void {
    if (job.started) this.send(job, message);
    else job.outbox.push(message);
  }

  private send(job: JobRecord, message: ParentMessageInput): void {
    job.child?.send(message);
  }

  private onChildMessage(job: JobRecord, child: ChildHandle, raw: unknown): void {
    if (job.child !== child) return; // a previous run of this job id
    const parsed = parseChildMessage(raw);
    if (!parsed.ok) {
      this.emit({ type: 'protocol-error', jobId: job.info.jobId, error: parsed.error });
      return;
    }
    this.emit({ type: 'message', jobId: job.info.jobId, message: parsed.value });
    applyChildMessage(job, child, parsed.value, this.childHooks);
  }

  private onChildOutput(job: JobRecord, child: ChildHandle, stream: 'stdout' | 'stderr', line: string): void {
    if (job.child !== child) return;
    if (stream === 'stderr') {
      job.stderrTail.push(line);
      if (job.stderrTail.length > STDERR_LINES_KEPT) job.stderrTail.shift();
    }
    this.emit({ type: 'message', jobId: job.info.jobId, message: { type: 'log', level: stream === 'stderr' ? 'warn' : 'info', line } });
  }

  private onChildExit(job: JobRecord, child: ChildHandle, exit: ChildExit): void {
    if (job.child !== child) return;
    this.settle(job, finalStateOnExit(job, exit));
  }
}
