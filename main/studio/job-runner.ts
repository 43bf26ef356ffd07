// What the studio needs from whatever runs training and export in child processes. The studio is
// written against this small interface, not against main/jobs directly, so it can be tested with a
// scripted runner and so the Electron build can plug in utilityProcess instead of fork.
import type { JobState, ProjectLayout } from '../api/entities.js';
import type { BackendName, ResolvedRunOptions, RunSchedule } from '../api/run-options.js';

export interface TrainJobSpec {
  kind: 'train';
  runId: string;
  /** Checkpoints (latest.tandem, epoch_N.tandem) and samples/iter_XXXXXXXX.png go here. */
  runDir: string;
  options: ResolvedRunOptions;
  dataset: { layout: ProjectLayout; folderA: string; folderB: string | null };
  schedule: RunSchedule;
  backend: BackendName;
  /** Continue from runDir/latest.tandem (iteration numbering continues from its progress). */
  resume: boolean;
  /** A new run's starting weights (fine-tuning): a model file of another run. */
  initFrom?: { file: string; generatorsOnly: boolean };
}

export interface ExportJobSpec {
  kind: 'export';
  exportId: string;
  checkpoint: string;
  inputDir: string;
  outputDir: string;
  format: 'keep' | 'png' | 'jpeg' | 'webp';
  tile: number;
  direction: 'AtoB' | 'BtoA';
  backend: BackendName;
}

export interface ImportJobSpec {
  kind: 'import';
  runId: string;
  file: string;
  pairWith: string | null;
  /** The Tandem model to write (in the run folder). */
  out: string;
  overrides: { netG?: 'resnet_9blocks' | 'resnet_6blocks' | 'unet_128' | 'unet_256'; norm?: 'batch' | 'instance' | 'none'; ngf?: number };
  backend: BackendName;
}

export interface ModelExportJobSpec {
  kind: 'model-export';
  modelExportId: string;
  checkpoint: string;
  direction: 'AtoB' | 'BtoA';
  format: 'onnx' | 'tfjs';
  out: string;
  backend: BackendName;
}

export type JobSpec = TrainJobSpec | ExportJobSpec | ImportJobSpec | ModelExportJobSpec;

/** What an import read, as the child reports it. */
export interface ImportOutcome {
  file: string;
  sources: string[];
  format: 'zip' | 'legacy';
  arch: { netG: 'resnet_9blocks' | 'resnet_6blocks' | 'unet_128' | 'unet_256'; ngf: number; norm: 'batch' | 'instance' | 'none'; inputNc: number; outputNc: number; useDropout: boolean };
  generators: 1 | 2;
  params: number;
  notes: string[];
}

export interface TrainingProgressInfo {
  epoch: number;
  epochIter: number;
  totalIters: number;
}

/**
 * Messages a job's child sends, as the studio uses them (main/jobs/protocol.ts's child messages,
 * minus the handshake). A loss that is not finite (a diverged run) is null: JSON has no NaN.
 */
/** A GPU as a job process described it (main/gan/backend/webgpu-adapter.ts). */
export interface GpuAdapterInfo {
  name: string;
  api: 'metal' | 'd3d12' | 'vulkan';
  software: boolean;
}

export type GpuProbeResult = { found: true; adapter: GpuAdapterInfo } | { found: false; reason: string };

export type JobMessage =
  | { type: 'ready'; backend: string; backendName?: Exclude<BackendName, 'auto'>; adapter?: GpuAdapterInfo }
  | { type: 'metrics'; totalIters: number; epoch: number; losses: Record<string, number | null>; lr: number; secondsPerIter: number }
  | {
      type: 'progress';
      job: 'train';
      epoch: number;
      epochIter: number;
      epochSize: number;
      totalIters: number;
      lastEpoch: number;
      secondsPerIter: number;
      speedBasis: 'estimate' | 'measured';
      etaRunSeconds: number;
    }
  | { type: 'progress'; job: 'export'; done: number; total: number; etaSeconds: number }
  | { type: 'sample'; file: string; totalIters: number }
  | { type: 'checkpoint'; file: string; progress: TrainingProgressInfo; reason: 'interval' | 'epoch' | 'stopped' }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; line: string }
  | { type: 'skipped'; path: string; reason: string }
  | { type: 'paused' }
  | { type: 'resumed' }
  | {
      type: 'finished';
      stopped: boolean;
      export?: { folder: string; total: number; translated: number; skippedExisting: number; failed: number };
      imported?: ImportOutcome;
      modelFiles?: string[];
    }
  | { type: 'failed'; message: string };

export interface JobRunner {
  /** False when this build cannot run jobs (the studio then answers 'unavailable' to runs.start). */
  readonly available: boolean;
  /**
   * Queues a job under the caller's id (the caller records it first, because state events may
   * fire before enqueue returns); message and state events follow, tagged with that id. Throws
   * when the job cannot be accepted.
   */
  enqueue(jobId: string, spec: JobSpec): void;
  pause(jobId: string): void;
  resume(jobId: string): void;
  /** Asks the job to stop cleanly (training saves a checkpoint); a queued job is cancelled. */
  stop(jobId: string): void;
  onMessage(listener: (jobId: string, message: JobMessage) => void): () => void;
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

/** For builds and tests without child processes: every job request says why it cannot run. */
export class UnavailableJobRunner implements JobRunner {
  readonly available = false;
  constructor(private readonly why = 'this Tandem build has no job runner (main/jobs), so it cannot train or export') {}
  enqueue(): void {
    throw new Error(this.why);
  }
  pause(): void {}
  resume(): void {}
  stop(): void {}
  onMessage(): () => void {
    return () => {};
  }
  onState(): () => void {
    return () => {};
  }
  async close(): Promise<void> {}
  shutdownGraceMs(): null {
    return null;
  }
  abort(): void {}
}
