// What the studio's parts share, and how stored records become API entities (URLs added, live
// progress merged in).
import { basename } from 'node:path';
import type { Checkpoint, ExportJob, FolderRole, JobKind, Project, Run, RunProgress, RunSummary, Sample, WebgpuProbe } from '../api/entities.js';
import type { BackendName } from '../api/run-options.js';
import { fileUrl } from '../api/urls.js';
import type { ProjectRecord } from '../store/projects.js';
import type { RunRecord } from '../store/runs.js';
import type { SampleRecord } from '../store/artifacts.js';
import type { Store } from '../store/store.js';
import type { DataDir } from './data-dir.js';
import { projectFolders } from './dataset-health.js';
import type { EventHub } from './event-hub.js';
import type { JobRunner } from './job-runner.js';
import type { ProjectWatch } from './project-watch.js';
import { notFound } from './studio-error.js';

export interface JobLink {
  kind: JobKind;
  /** train and import jobs work on a run. */
  runId: string | null;
  exportId: string | null;
  modelExportId: string | null;
  stopRequested: boolean;
  /** The backend the job reported running on (its 'ready' message). */
  backend?: Exclude<BackendName, 'auto'>;
}

export interface StudioContext {
  store: Store;
  dataDir: DataDir;
  hub: EventHub;
  runner: JobRunner;
  watches: Map<string, ProjectWatch>;
  /** jobId → what it works on; only jobs started by this studio process. */
  jobs: Map<string, JobLink>;
  /** runId → its live job id. */
  runJobs: Map<string, string>;
  exportJobs: Map<string, string>;
  modelExportJobs: Map<string, string>;
  progress: Map<string, RunProgress>;
  lastBackendLine: { line: string; at: number } | null;
  /** What a job process found for webgpu; null until backend.info first asks. */
  gpuProbe: WebgpuProbe | null;
  now: () => number;
  log: (line: string) => void;
  startWatch(p: ProjectRecord): Promise<void>;
}

export function presentProject(ctx: StudioContext, p: ProjectRecord): Project {
  const watch = ctx.watches.get(p.id);
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    layout: p.layout,
    folders: projectFolders(p).map(({ role, dir }) => ({ role, path: dir, present: watch?.isPresent(role) ?? false })),
    artifactDir: p.artifactDir,
    status: p.status,
    statusReason: p.statusReason,
    counts: ctx.store.datasetIndex.counts(p.id),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function requireProject(ctx: StudioContext, projectId: string): ProjectRecord {
  const p = ctx.store.projects.get(projectId);
  if (!p) throw notFound('project', projectId);
  return p;
}

export function requireRun(ctx: StudioContext, runId: string): RunRecord {
  const r = ctx.store.runs.get(runId);
  if (!r) throw notFound('run', runId);
  return r;
}

export function presentRunSummary(ctx: StudioContext, r: RunRecord): RunSummary {
  const live = ctx.progress.get(r.id);
  return {
    id: r.id,
    projectId: r.projectId,
    name: r.name,
    model: r.model,
    origin: r.origin,
    imported: r.imported,
    startedFrom: r.startedFrom,
    status: r.status,
    statusReason: r.statusReason,
    backend: r.backend,
    backendUsed: r.backendUsed,
    // The row is updated at checkpoints; live progress is newer while the run trains.
    totalIters: Math.max(r.totalIters, live?.totalIters ?? 0),
    epoch: live?.epoch ?? r.epoch,
    lastEpoch: r.lastEpoch,
    lastCheckpoint: r.lastCheckpoint,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
  };
}

export function presentRun(ctx: StudioContext, r: RunRecord): Run {
  return { ...presentRunSummary(ctx, r), options: r.options, schedule: r.schedule, runDir: r.runDir, progress: ctx.progress.get(r.id) ?? null };
}

export function presentSample(s: SampleRecord, projectId: string): Sample {
  return { runId: s.runId, iteration: s.iteration, url: fileUrl(projectId, 'runs', `${s.runId}/${s.file}`), createdAt: s.createdAt };
}

export function datasetUrl(projectId: string, role: FolderRole, relPath: string): string {
  return fileUrl(projectId, role, relPath);
}

export function emitRun(ctx: StudioContext, runId: string): void {
  const r = ctx.store.runs.get(runId);
  if (r) ctx.hub.emit('run.changed', { run: presentRunSummary(ctx, r) });
}

export function emitProject(ctx: StudioContext, projectId: string): void {
  const p = ctx.store.projects.get(projectId);
  if (p) ctx.hub.emit('project.changed', { project: presentProject(ctx, p) });
}

export function emitExport(ctx: StudioContext, exportId: string): void {
  const e = ctx.store.exports.get(exportId);
  if (e) ctx.hub.emit('export.changed', { export: e as ExportJob });
}

export function emitModelExport(ctx: StudioContext, modelExportId: string): void {
  const e = ctx.store.modelExports.get(modelExportId);
  if (e) ctx.hub.emit('modelExport.changed', { modelExport: e });
}

export function checkpointFileName(file: string): string {
  return basename(file);
}

export type { Checkpoint };
