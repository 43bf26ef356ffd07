// Events the studio pushes. A subscriber first receives one 'snapshot' (the state right now), then
// deltas in order. High-rate sources are throttled at the source: losses and progress at most
// EVENT_THROTTLE_MS apart per run, carrying every point since the last event so charts stay
// complete.
import type {
  Checkpoint,
  DatasetHealth,
  ExportJob,
  JobInfo,
  ModelExport,
  MetricPoint,
  Project,
  RunProgress,
  RunSummary,
  Sample,
} from './entities.js';

export const EVENT_THROTTLE_MS = 250;

export interface StudioEvents {
  snapshot: { projects: Project[]; activeRuns: RunSummary[]; progress: Record<string, RunProgress>; jobs: JobInfo[] };
  'project.changed': { project: Project };
  'project.deleted': { projectId: string };
  /** The index changed: what was added/changed/removed (relative paths), and the new totals. */
  'dataset.changed': {
    projectId: string;
    added: number;
    changed: number;
    removed: number;
    total: number;
    unreadable: number;
    health?: Pick<DatasetHealth, 'usable' | 'unreadableTotal'>;
  };
  'run.changed': { run: RunSummary };
  'run.deleted': { runId: string; projectId: string };
  /** Loss points since the previous event of this run (throttled). */
  'run.metrics': { runId: string; points: MetricPoint[] };
  'run.progress': { runId: string; progress: RunProgress };
  'run.sample': { runId: string; sample: Sample };
  'run.checkpoint': { runId: string; checkpoint: Checkpoint };
  'run.log': { runId: string; level: 'info' | 'warn' | 'error'; line: string; at: number };
  'export.changed': { export: ExportJob };
  'modelExport.changed': { modelExport: ModelExport };
  'job.state': JobInfo;
}

export type EventName = keyof StudioEvents;
export const EVENT_NAMES: readonly EventName[] = [
  'snapshot',
  'project.changed',
  'project.deleted',
  'dataset.changed',
  'run.changed',
  'run.deleted',
  'run.metrics',
  'run.progress',
  'run.sample',
  'run.checkpoint',
  'run.log',
  'export.changed',
  'modelExport.changed',
  'job.state',
];

export type StudioEvent = { [E in EventName]: { event: E; data: StudioEvents[E] } }[EventName];
export type EventListener = (e: StudioEvent) => void;
