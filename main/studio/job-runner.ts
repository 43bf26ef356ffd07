// What the studio needs from whatever runs training and export in child processes, in the jobs
// protocol's own terms (main/jobs/protocol.ts: the specs it enqueues, the child messages it hears).
// The studio is written against this small interface so it can be tested with a scripted runner;
// the real one is main/jobs's JobSupervisor, which the Electron build gives utilityProcess.
import { FINAL_STATES, JobSupervisor, type JobState, type SupervisorOptions } from '../jobs/supervisor.js';
import { randomUUID } from 'node:crypto';
import type { ChildMessage, GpuAdapter, JobSpecInput, ProbeResultMessage } from '../jobs/protocol.js';

/** What a job process found for webgpu (the protocol's probe result). */
export type GpuProbeResult = ProbeResultMessage['webgpu'];
export type GpuAdapterInfo = GpuAdapter;

export interface JobRunner {
  /** False when this build cannot run jobs (the studio then answers 'unavailable' to runs.start). */
  readonly available: boolean;
  /**
   * Queues a job under the caller's `spec.jobId` (the caller records it first, because state
   * events may fire before enqueue returns); message and state events follow, tagged with that id.
   * Throws when the job cannot be accepted.
   */
  enqueue(spec: JobSpecInput): void;
  pause(jobId: string): void;
  resume(jobId: string): void;
  /** Asks the job to stop cleanly (training saves a checkpoint); a queued job is cancelled. */
  stop(jobId: string): void;
  /** The child's messages, validated; a malformed one arrives as a warning `log`. */
  onMessage(listener: (jobId: string, message: ChildMessage) => void): () => void;
  /** `reason` explains failed / interrupted states ("the trainer ran out of memory (exit code 134)"). */
  onState(listener: (jobId: string, state: JobState, reason: string | null) => void): () => void;
  /**
   * Stops every job (training finishes its step and saves a checkpoint) and waits for the children
   * to exit; one that has not by its grace (shutdownGraceMs) is ended, its reason saying so.
   */
  close(): Promise<void>;
  /** How long close() would wait for this job now (ms); null when it is not running. */
  shutdownGraceMs(jobId: string): number | null;
  /** Ends every job at once (a second Ctrl-C while closing); `cause` goes into their reasons. */
  abort(cause: string): void;
  /** Asks a job process which GPU webgpu would use (Dawn never loads in the studio's own process). */
  probeGpu?(): Promise<GpuProbeResult>;
}

/** The listeners every runner keeps: subscribing, and telling each of them. */
export class RunnerListeners {
  private readonly messageListeners = new Set<(jobId: string, m: ChildMessage) => void>();
  private readonly stateListeners = new Set<(jobId: string, state: JobState, reason: string | null) => void>();

  onMessage(listener: (jobId: string, m: ChildMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onState(listener: (jobId: string, state: JobState, reason: string | null) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  protected emitMessage(jobId: string, m: ChildMessage): void {
    for (const l of this.messageListeners) l(jobId, m);
  }

  protected emitState(jobId: string, state: JobState, reason: string | null): void {
    for (const l of this.stateListeners) l(jobId, state, reason);
  }
}

/** For builds and tests without child processes: every job request says why it cannot run. */
export class UnavailableJobRunner extends RunnerListeners implements JobRunner {
  readonly available = false;
  constructor(private readonly why = 'this Tandem build has no job runner (main/jobs), so it cannot train or export') {
    super();
  }
  enqueue(): void {
    throw new Error(this.why);
  }
  pause(): void {}
  resume(): void {}
  stop(): void {}
  async close(): Promise<void> {}
  shutdownGraceMs(): null {
    return null;
  }
  abort(): void {}
}

/** The real runner: a JobSupervisor's child processes, its events split into messages and states. */
export class SupervisorJobRunner extends RunnerListeners implements JobRunner {
  readonly available = true;
  private readonly off: () => void;

  /** `shutdownTimeoutMs`: one wait for every job when closing; by default each job's own, from its measured pace. */
  constructor(
    readonly supervisor: JobSupervisor = new JobSupervisor(),
    private readonly shutdownTimeoutMs?: number,
  ) {
    super();
    this.off = supervisor.on((e) => {
      if (e.type === 'state') this.emitState(e.jobId, e.state, e.job.reason ?? null);
      else if (e.type === 'message') this.emitMessage(e.jobId, e.message);
      else this.emitMessage(e.jobId, { type: 'log', level: 'warn', line: `ignored a malformed message from the job process: ${e.error}` });
    });
  }

  static create(options: SupervisorOptions = {}): SupervisorJobRunner {
    return new SupervisorJobRunner(new JobSupervisor(options));
  }

  enqueue(spec: JobSpecInput): void {
    this.supervisor.enqueue(spec);
  }

  pause(jobId: string): void {
    this.supervisor.pause(jobId);
  }

  resume(jobId: string): void {
    this.supervisor.resume(jobId);
  }

  stop(jobId: string): void {
    this.supervisor.stop(jobId);
  }

  async close(): Promise<void> {
    await this.supervisor.shutdown(this.shutdownTimeoutMs === undefined ? {} : { timeoutMs: this.shutdownTimeoutMs });
    this.off();
  }

  shutdownGraceMs(jobId: string): number | null {
    const job = this.supervisor.get(jobId);
    if (!job || FINAL_STATES.has(job.state)) return null;
    return this.shutdownTimeoutMs ?? this.supervisor.shutdownGraceMs(jobId);
  }

  abort(cause: string): void {
    this.supervisor.abort(cause);
  }

  async probeGpu(): Promise<GpuProbeResult> {
    // Not a studio job: no row, no link, so its state and messages pass the studio by.
    const id = this.supervisor.enqueue({ kind: 'probe', jobId: `probe-${randomUUID()}` });
    const info = await this.supervisor.settled(id);
    if (info.state === 'finished' && info.result?.kind === 'probe') return info.result.webgpu;
    return { found: false, reason: info.reason ?? `the GPU probe ended ${info.state}` };
  }
}
