// The studio as the renderer knows it, rebuilt from events: one 'snapshot' (the state right now)
// then deltas in order. reduceEvent is pure so the reduction is testable without Svelte.
import type { ExportJob, JobInfo, ModelExport, Project, RunProgress, RunSummary, Sample } from '$api/entities.js';
import type { StudioEvent, StudioEvents } from '$api/events.js';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  line: string;
  at: number;
}

export interface DatasetTotals {
  total: number;
  unreadable: number;
  usable: number | null;
  /** Increments on every dataset.changed, so views know to refetch pages. */
  revision: number;
}

export interface StudioState {
  /** A snapshot has arrived since the last (re)connect. */
  ready: boolean;
  /** Increments with every snapshot: views refetch what they loaded by method. */
  epoch: number;
  projects: Record<string, Project>;
  runs: Record<string, RunSummary>;
  progress: Record<string, RunProgress>;
  jobs: Record<string, JobInfo>;
  exports: Record<string, ExportJob>;
  /** Model exports (ONNX, TF.js) seen in modelExport.changed events. */
  modelExports: Record<string, ModelExport>;
  datasets: Record<string, DatasetTotals>;
  latestSample: Record<string, Sample>;
  logs: Record<string, LogLine[]>;
}

export const LOG_LINES_KEPT = 200;

export function emptyState(): StudioState {
  return {
    ready: false,
    epoch: 0,
    projects: {},
    runs: {},
    progress: {},
    jobs: {},
    exports: {},
    modelExports: {},
    datasets: {},
    latestSample: {},
    logs: {},
  };
}

function byId<T>(items: T[], id: (t: T) => string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const it of items) out[id(it)] = it;
  return out;
}

function applySnapshot(s: StudioState, d: StudioEvents['snapshot']): StudioState {
  // Runs that were active before but are not now ended while we were away: keep what we knew
  // (views refetch runs.get / runs.list on a new epoch), but drop stale progress.
  return {
    ...s,
    ready: true,
    epoch: s.epoch + 1,
    projects: byId(d.projects, (p) => p.id),
    runs: { ...s.runs, ...byId(d.activeRuns, (r) => r.id) },
    progress: { ...d.progress },
    jobs: byId(d.jobs, (j) => j.id),
  };
}

export function reduceEvent(s: StudioState, e: StudioEvent): StudioState {
  switch (e.event) {
    case 'snapshot':
      return applySnapshot(s, e.data);
    case 'project.changed':
      return { ...s, projects: { ...s.projects, [e.data.project.id]: e.data.project } };
    case 'project.deleted': {
      const projects = { ...s.projects };
      delete projects[e.data.projectId];
      const runs = Object.fromEntries(Object.entries(s.runs).filter(([, r]) => r.projectId !== e.data.projectId));
      const modelExports = Object.fromEntries(Object.entries(s.modelExports).filter(([, x]) => x.projectId !== e.data.projectId));
      return { ...s, projects, runs, modelExports };
    }
    case 'dataset.changed': {
      const prev = s.datasets[e.data.projectId];
      const totals: DatasetTotals = {
        total: e.data.total,
        unreadable: e.data.unreadable,
        usable: e.data.health?.usable ?? prev?.usable ?? null,
        revision: (prev?.revision ?? 0) + 1,
      };
      const project = s.projects[e.data.projectId];
      const projects = project
        ? { ...s.projects, [project.id]: { ...project, counts: { files: e.data.total, unreadable: e.data.unreadable } } }
        : s.projects;
      return { ...s, projects, datasets: { ...s.datasets, [e.data.projectId]: totals } };
    }
    case 'run.changed':
      return { ...s, runs: { ...s.runs, [e.data.run.id]: e.data.run } };
    case 'run.deleted': {
      const drop = <T>(m: Record<string, T>) => Object.fromEntries(Object.entries(m).filter(([id]) => id !== e.data.runId));
      return { ...s, runs: drop(s.runs), progress: drop(s.progress), latestSample: drop(s.latestSample), logs: drop(s.logs) };
    }
    case 'run.progress':
      return { ...s, progress: { ...s.progress, [e.data.runId]: e.data.progress } };
    case 'run.sample': {
      const prev = s.latestSample[e.data.runId];
      if (prev && prev.iteration > e.data.sample.iteration) return s;
      return { ...s, latestSample: { ...s.latestSample, [e.data.runId]: e.data.sample } };
    }
    case 'run.log': {
      const prev = s.logs[e.data.runId] ?? [];
      const next = [...prev, { level: e.data.level, line: e.data.line, at: e.data.at }];
      return { ...s, logs: { ...s.logs, [e.data.runId]: next.length > LOG_LINES_KEPT ? next.slice(-LOG_LINES_KEPT) : next } };
    }
    case 'export.changed':
      return { ...s, exports: { ...s.exports, [e.data.export.id]: e.data.export } };
    case 'modelExport.changed':
      return { ...s, modelExports: { ...s.modelExports, [e.data.modelExport.id]: e.data.modelExport } };
    case 'job.state':
      return { ...s, jobs: { ...s.jobs, [e.data.id]: e.data } };
    case 'run.metrics':
    case 'run.checkpoint':
      // Per-run live data (curves, checkpoint lists) is kept by the views that show it.
      return s;
  }
}

/** Projects, most recently changed first. */
export function projectList(s: StudioState): Project[] {
  return Object.values(s.projects).sort((a, b) => b.updatedAt - a.updatedAt || a.name.localeCompare(b.name));
}

/**
 * Changes whenever a run of the project appears or changes status, or the connection comes back:
 * views that list the project's runs refetch on it.
 */
export function projectRunsStamp(s: StudioState, projectId: string): string {
  const runs = Object.values(s.runs).filter((r) => r.projectId === projectId);
  return `${s.epoch}:${runs.map((r) => `${r.id}${r.status}`).join()}`;
}
