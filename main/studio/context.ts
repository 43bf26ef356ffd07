// What the studio's parts share, and how stored records become API entities (URLs added, live
// progress merged in).
import type { ExportJob, FolderRole, Project, Run, RunProgress, RunSummary, Sample, WebgpuProbe } from '../api/entities.js';
import { fileUrl } from '../api/urls.js';
import type { ProjectRecord } from '../store/projects.js';
import type { RunRecord } from '../store/runs.js';
import type { SampleRecord } from '../store/artifacts.js';
import type { Store } from '../store/store.js';
import type { DataDir } from './data-dir.js';
import { projectFolders } from './dataset-health.js';
import type { EventHub } from './event-hub.js';
import type { JobRunner } from './job-runner.js';
import type { LiveJobs } from './live-jobs.js';
import type { ProjectWatch } from './project-watch.js';
import { notFound } from './studio-error.js';

export interface StudioContext {
  store: Store;
  dataDir: DataDir;
  hub: EventHub;
  runner: JobRunner;
  watches: Map<string, ProjectWatch>;
  /** The live jobs this studio process started, by job id: their kind and subject. */
  jobs: LiveJobs;
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
  const { folderA: _a, folderB: _b, ...fields } = p;
  return {
    ...fields,
    folders: projectFolders(p).map(({ role, dir }) => ({ role, path: dir, present: watch?.isPresent(role) ?? false })),
    counts: ctx.store.datasetIndex.counts(p.id),
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
  const { options: _o, schedule: _s, runDir: _d, ...fields } = r;
  return {
    ...fields,
    // The row is updated at checkpoints; live progress is newer while the run trains.
    totalIters: Math.max(r.totalIters, live?.totalIters ?? 0),
    epoch: live?.epoch ?? r.epoch,
  };
}

export function presentRun(ctx: StudioContext, r: RunRecord): Run {
  return {
    ...presentRunSummary(ctx, r),
    options: r.options,
    schedule: r.schedule,
    runDir: r.runDir,
    progress: ctx.progress.get(r.id) ?? null,
  };
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
