// What the studio returns. Plain JSON (no Dates, no Maps) so the same values cross IPC, WebSocket
// and structured clone unchanged. Times are Unix milliseconds.
import type { JobKind, JobState } from '../jobs/job-names.js';
import type { BackendName, ModelName, ResolvedRunOptions, RunSchedule } from './run-options.js';

export type ProjectKind = 'paired' | 'unpaired';
/** aligned: one folder of side-by-side A|B images; paired-folders: A and B matched by file name. */
export type ProjectLayout = 'aligned' | 'paired-folders' | 'unpaired';
/** 'folder missing': a data folder vanished (deleted, renamed, unmounted); it recovers on return. */
export type ProjectStatus = 'indexing' | 'ready' | 'folder missing';
/** Which of a project's folders a file lives in; AB = a side-by-side folder. */
export type FolderRole = 'A' | 'B' | 'AB';

export interface ProjectFolder {
  role: FolderRole;
  path: string;
  present: boolean;
}

export interface Project {
  id: string;
  name: string;
  kind: ProjectKind;
  layout: ProjectLayout;
  folders: ProjectFolder[];
  /** Where runs and exports of this project are written (never inside the user's folders). */
  artifactDir: string;
  status: ProjectStatus;
  /** Why the status is what it is, for people ("/data/horses was removed or renamed"). */
  statusReason: string | null;
  counts: { files: number; unreadable: number };
  createdAt: number;
  updatedAt: number;
}

export interface DatasetItem {
  role: FolderRole;
  /** Path below its folder, with '/' separators. */
  relPath: string;
  url: string;
  size: number;
  width: number | null;
  height: number | null;
  contentHash: string | null;
  status: 'ok' | 'unreadable';
  reason: string | null;
}

export interface DatasetPage {
  total: number;
  offset: number;
  items: DatasetItem[];
}

/** A two-folder project's images matched by name (the path without its extension). */
export interface DatasetPair {
  key: string;
  /** null: this name has no image on that side. */
  A: DatasetItem | null;
  B: DatasetItem | null;
}

export interface DatasetPairPage {
  /** Pairs in the chosen view (all, matched or unmatched). */
  total: number;
  /** Over the whole project: names with both sides, and names with one side only. */
  matched: number;
  unmatched: number;
  offset: number;
  items: DatasetPair[];
}

export interface SizeStats {
  min: { width: number; height: number };
  max: { width: number; height: number };
  distinct: number;
}

export interface DatasetHealth {
  projectId: string;
  status: ProjectStatus;
  folders: Array<{ role: FolderRole; path: string; present: boolean; files: number; readable: number; sizes: SizeStats | null }>;
  unreadable: Array<{ role: FolderRole; relPath: string; reason: string }>;
  unreadableTotal: number;
  /** Groups of byte-identical files (same content hash). */
  duplicates: Array<{ contentHash: string; files: Array<{ role: FolderRole; relPath: string }> }>;
  /** paired-folders only: names present on one side only. */
  unmatched: { A: string[]; B: string[] } | null;
  /** What training can use: pairs with both sides readable, side-by-side files, or images per epoch. */
  usable: number;
  /** One line per problem, for people; empty when all is well. */
  problems: string[];
}

export type RunStatus = 'queued' | 'starting' | 'running' | 'paused' | 'stopping' | 'stopped' | 'finished' | 'failed' | 'interrupted';
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['queued', 'starting', 'running', 'paused', 'stopping'];

export interface RunProgress {
  epoch: number;
  lastEpoch: number;
  epochIter: number;
  epochSize: number | null;
  totalIters: number;
  /** Seconds per step behind etaSeconds: estimated from the networks until the run has measured a few steps. */
  secondsPerIter: number | null;
  speedBasis: 'estimate' | 'measured' | null;
  etaSeconds: number | null;
}

/** trained: a training run of this studio; imported: weights brought in from PyTorch .pth files. */
export type RunOrigin = 'trained' | 'imported';

/** What an import found in the .pth file(s). */
export interface ImportedModelInfo {
  /** The .pth files as the user picked them: [G] or [G_A, G_B]. */
  files: string[];
  /** PyTorch's zip format (torch ≥ 1.6) or the legacy pickle format of the model zoo. */
  format: 'zip' | 'legacy';
  netG: 'resnet_9blocks' | 'resnet_6blocks' | 'unet_128' | 'unet_256';
  ngf: number;
  norm: 'batch' | 'instance' | 'none';
  inputNc: number;
  outputNc: number;
  /** 1: one generator (translates A→B only); 2: a CycleGAN pair (both directions; can be fine-tuned). */
  generators: 1 | 2;
  params: number;
  /** What the import adjusted, for people ("removed the 'module.' prefix …"). */
  notes: string[];
}

export interface RunSummary {
  id: string;
  projectId: string;
  name: string;
  model: ModelName;
  origin: RunOrigin;
  /** Set once an import has read its files; null for trained runs and while importing. */
  imported: ImportedModelInfo | null;
  /** A fine-tuned run: the run and checkpoint whose weights it started from (as they were named then). */
  startedFrom: { runId: string; runName: string; checkpointId: number; fileName: string } | null;
  status: RunStatus;
  statusReason: string | null;
  backend: BackendName;
  /** The backend the trainer reported using, with its explanation line. */
  backendUsed: string | null;
  totalIters: number;
  epoch: number;
  lastEpoch: number;
  lastCheckpoint: string | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

export interface Run extends RunSummary {
  options: ResolvedRunOptions;
  schedule: RunSchedule;
  runDir: string;
  progress: RunProgress | null;
}

export interface MetricPoint {
  /** Images trained on so far (the reference's total_iters). */
  iteration: number;
  epoch: number;
  /** null: the loss was not a finite number (the run diverged). */
  losses: Record<string, number | null>;
  lr: number;
  seconds: number;
}

export interface RunMetrics {
  runId: string;
  /** Points stored in all; `points` is fewer when downsampled. */
  total: number;
  lossNames: string[];
  points: MetricPoint[];
}

export interface Sample {
  runId: string;
  iteration: number;
  url: string;
  createdAt: number;
}

export interface Checkpoint {
  id: number;
  runId: string;
  /** latest.tandem, epoch_N.tandem, or model.tandem (an imported model) */
  fileName: string;
  kind: 'latest' | 'epoch' | 'imported';
  epoch: number;
  epochIter: number;
  totalIters: number;
  reason: 'interval' | 'epoch' | 'stopped' | 'imported';
  createdAt: number;
}

export type ExportStatus = 'queued' | 'running' | 'stopped' | 'finished' | 'failed' | 'interrupted';
export type ExportFormat = 'keep' | 'png' | 'jpeg' | 'webp';

export interface ExportJob {
  id: string;
  projectId: string;
  runId: string;
  checkpointId: number;
  inputDir: string;
  outputDir: string;
  format: ExportFormat;
  tile: number;
  direction: 'AtoB' | 'BtoA';
  status: ExportStatus;
  statusReason: string | null;
  done: number;
  total: number | null;
  failed: number;
  createdAt: number;
  endedAt: number | null;
}

/** A generator written for use outside Tandem: ONNX (onnxruntime, TouchDesigner, …) or a TF.js graph model. */
export type ModelFormat = 'onnx' | 'tfjs';

export interface ModelExport {
  id: string;
  projectId: string;
  runId: string;
  checkpointId: number;
  format: ModelFormat;
  direction: 'AtoB' | 'BtoA';
  /** The .onnx file, or the folder of the TF.js model (model.json, weights, example page). */
  outputPath: string;
  status: ExportStatus;
  statusReason: string | null;
  /** What was written, once finished. */
  files: string[];
  createdAt: number;
  endedAt: number | null;
}

export interface Settings {
  backend: BackendName;
  schedule: RunSchedule;
}

/** One folder's sub-folders, for picking dataset and output folders in a browser. */
export interface FolderListing {
  path: string;
  /** Null at a filesystem root. */
  parent: string | null;
  /** Places to jump to: home, the filesystem root(s). */
  roots: Array<{ label: string; path: string }>;
  /** Sub-folders, sorted by name; `images` counts the images directly inside (null when unreadable). */
  entries: Array<{ name: string; path: string; images: number | null }>;
  /** Files with one of the requested extensions (empty unless asked for), sorted by name. */
  files: Array<{ name: string; path: string; size: number }>;
  /** True when the folder had more sub-folders than are listed. */
  truncated: boolean;
}

export interface BackendInfo {
  /** The backend new runs ask for (a setting). */
  requested: BackendName;
  /** Which optional native packages are installed here; wasm and cpu always are. */
  installed: { gpu: boolean; node: boolean; wasm: true; cpu: true };
  /** The most recent choice a trainer reported ("backend: wasm (SIMD, 8 threads); …"). */
  lastReported: { line: string; at: number } | null;
  /** Whether this studio can run training jobs at all. */
  jobsAvailable: boolean;
  /** The GPU webgpu would train on, as a job process found it; null where jobs cannot run. */
  webgpu: WebgpuProbe | null;
  /** This machine's latest measured training speed on each backend it has trained on. */
  measured: Partial<Record<Exclude<BackendName, 'auto'>, MeasuredSpeed>>;
}

export type WebgpuProbe =
  | { state: 'probing' }
  /** A software adapter (SwiftShader, WARP) runs only when chosen: it is slower than wasm. */
  | { state: 'found'; adapter: string; api: 'metal' | 'd3d12' | 'vulkan'; software: boolean }
  | { state: 'none'; reason: string };

/** Seconds per training step a run measured, with the options it ran (estimates scale from them). */
export interface MeasuredSpeed {
  secondsPerIteration: number;
  options: ResolvedRunOptions;
  at: number;
}

export type { JobKind, JobState } from '../jobs/job-names.js';

export interface JobInfo {
  id: string;
  kind: JobKind;
  runId: string | null;
  exportId: string | null;
  modelExportId: string | null;
  state: JobState;
  reason: string | null;
}
