// The real job runner: main/jobs's JobSupervisor (child processes) behind the studio's JobRunner
// interface. Translates specs one way and child messages the other; nothing else.
import type { ChildMessage, EnqueueSpecForStudio } from './supervisor-types.js';
import { FINAL_STATES, JobSupervisor, type SupervisorOptions } from '../jobs/supervisor.js';
import { randomUUID } from 'node:crypto';
import type { GpuProbeResult, JobMessage, JobRunner, JobSpec } from './job-runner.js';
import type { JobState } from '../api/entities.js';

function toSupervisorSpec(jobId: string, spec: JobSpec): EnqueueSpecForStudio {
  if (spec.kind === 'train') {
    const { folderA, folderB, layout } = spec.dataset;
    const data =
      layout === 'aligned' ? { kind: 'aligned' as const, dir: folderA } : { kind: layout, dirA: folderA, dirB: folderB ?? folderA };
    return {
      kind: 'train',
      jobId,
      runDir: spec.runDir,
      options: spec.options,
      data,
      resume: spec.resume,
      schedule: { sampleEvery: spec.schedule.sampleEvery, checkpointEvery: spec.schedule.checkpointEvery, saveEpochFreq: spec.schedule.saveEpochFreq },
      numSamples: spec.schedule.numSamples,
      ...(spec.initFrom ? { initFrom: spec.initFrom } : {}),
      ...(spec.backend !== 'auto' ? { backend: spec.backend } : {}),
    };
  }
  const backend = spec.backend !== 'auto' ? { backend: spec.backend } : {};
  if (spec.kind === 'import') {
    return { kind: 'import', jobId, file: spec.file, ...(spec.pairWith ? { pairWith: spec.pairWith } : {}), out: spec.out, overrides: spec.overrides, ...backend };
  }
  if (spec.kind === 'model-export') {
    return { kind: 'model-export', jobId, model: spec.checkpoint, direction: spec.direction, format: spec.format, out: spec.out, ...backend };
  }
  return {
    kind: 'export',
    jobId,
    model: spec.checkpoint,
    direction: spec.direction,
    input: spec.inputDir,
    output: spec.outputDir,
    ...(spec.format !== 'keep' ? { format: spec.format } : {}),
    ...(spec.tile > 0 ? { tile: spec.tile } : {}),
    ...backend,
  };
}

/** Child messages the studio uses, in its own terms; null for the handshake ones. */
export function toJobMessage(m: ChildMessage): JobMessage | null {
  switch (m.type) {
    // The job's 'interrupted' state carries the reason of an 'interrupted' message.
    case 'hello':
    case 'started':
    case 'interrupted':
      return null;
    case 'ready':
      return {
        type: 'ready',
        backend: m.backendLine,
        ...(m.backend ? { backendName: m.backend } : {}),
        ...(m.adapter ? { adapter: m.adapter } : {}),
      };
    case 'progress':
      return m.job === 'train'
        ? {
            type: 'progress',
            job: 'train',
            epoch: m.epoch,
            epochIter: m.epochIter,
            epochSize: m.epochSize,
            totalIters: m.totalIters,
            lastEpoch: m.lastEpoch,
            secondsPerIter: m.secondsPerIter,
            speedBasis: m.speedBasis,
            etaRunSeconds: m.etaRunSeconds,
          }
        : { type: 'progress', job: 'export', done: m.done, total: m.total, etaSeconds: m.etaSeconds };
    case 'finished': {
      const r = m.result;
      switch (r.kind) {
        case 'train':
          return { type: 'finished', stopped: r.stopped };
        case 'export':
          return {
            type: 'finished',
            stopped: r.stopped,
            export: { folder: r.folder, total: r.total, translated: r.translated, skippedExisting: r.skippedExisting, failed: r.failed.length },
          };
        case 'import':
          return { type: 'finished', stopped: false, imported: { file: r.file, sources: r.sources, format: r.format, arch: r.arch, generators: r.generators, params: r.params, notes: r.notes } };
        case 'model-export':
          return { type: 'finished', stopped: false, modelFiles: r.files };
      }
      return null;
    }
    case 'failed':
      return { type: 'failed', message: m.message };
    default:
      return m;
  }
}

export class SupervisorJobRunner implements JobRunner {
  readonly available = true;
  private readonly messageListeners = new Set<(jobId: string, m: JobMessage) => void>();
  private readonly stateListeners = new Set<(jobId: string, state: JobState, reason: string | null) => void>();
  private readonly off: () => void;

  /** `shutdownTimeoutMs`: one wait for every job when closing; by default each job's own, from its measured pace. */
  constructor(
    readonly supervisor: JobSupervisor = new JobSupervisor(),
    private readonly shutdownTimeoutMs?: number,
  ) {
    this.off = supervisor.on((e) => {
      if (e.type === 'state') {
        for (const l of this.stateListeners) l(e.jobId, e.state, e.job.reason ?? null);
      } else if (e.type === 'message') {
        const m = toJobMessage(e.message);
        if (m) for (const l of this.messageListeners) l(e.jobId, m);
      } else {
        const m: JobMessage = { type: 'log', level: 'warn', line: `ignored a malformed message from the job process: ${e.error}` };
        for (const l of this.messageListeners) l(e.jobId, m);
      }
    });
  }

  static create(options: SupervisorOptions = {}): SupervisorJobRunner {
    return new SupervisorJobRunner(new JobSupervisor(options));
  }

  enqueue(jobId: string, spec: JobSpec): void {
    this.supervisor.enqueue(toSupervisorSpec(jobId, spec));
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

  onMessage(listener: (jobId: string, m: JobMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onState(listener: (jobId: string, state: JobState, reason: string | null) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
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
