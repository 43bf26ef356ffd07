// The Studio service: one object that owns the database, the folder watchers, the job runner and
// the event fan-out, and answers the StudioApi. Plain Node: Electron IPC, the WebSocket server and
// tests all drive it through call() and subscribe().
import { mkdirSync } from 'node:fs';
import type { ApiResult } from '../api/errors.js';
import type { EventListener, StudioEvents } from '../api/events.js';
import type { MethodInput, MethodName, MethodOutput, StudioApi } from '../api/methods.js';
import { METHOD_NAMES } from '../api/methods.js';
import { ACTIVE_RUN_STATUSES, type RunProgress } from '../api/entities.js';
import type { MetricsWriterOptions } from '../store/metrics.js';
import type { ProjectRecord } from '../store/projects.js';
import { Store } from '../store/store.js';
import { emitProject, presentProject, presentRunSummary, type StudioContext } from './context.js';
import { DataDir } from './data-dir.js';
import { DatasetIndexer } from './dataset-indexer.js';
import { projectFolders } from './dataset-health.js';
import { dispatch } from './dispatch.js';
import { EventHub } from './event-hub.js';
import { resolveProjectFile } from './file-access.js';
import type { FolderWatcherOptions } from './folder-watcher.js';
import { JobEvents } from './job-events.js';
import { LiveJobs } from './live-jobs.js';
import { UnavailableJobRunner, type JobRunner } from './job-runner.js';
import { ProjectWatch } from './project-watch.js';
import { recoverInterruptedWork, type RecoveryReport } from './recovery.js';
import { abortNotice, endedNotice, gracefulStopNotice, liveTrainings } from './stop-notice.js';

export interface StudioOptions {
  /** The data folder: tandem.db and projects/<id>/… */
  dataDir: string;
  runner?: JobRunner;
  watch?: FolderWatcherOptions;
  metrics?: MetricsWriterOptions;
  /** Event throttle for losses and progress (ms). */
  throttleMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export class Studio {
  readonly recovery: RecoveryReport;
  /** Typed access: `await studio.api['projects.get']({ projectId })`. */
  readonly api: StudioApi;
  private readonly ctx: StudioContext;
  private readonly unsubscribeRunner: Array<() => void> = [];
  private closed = false;

  private constructor(
    readonly dataDir: DataDir,
    private readonly store: Store,
    runner: JobRunner,
    opts: StudioOptions,
  ) {
    const now = opts.now ?? Date.now;
    const log = opts.log ?? ((line: string) => console.error(`[studio] ${line}`));
    // Recovery first: nothing may be launched while the database still claims dead jobs are live.
    this.recovery = recoverInterruptedWork(store, now());
    const indexer = new DatasetIndexer(store, now);
    const ctx: StudioContext = {
      store,
      dataDir,
      runner,
      hub: new EventHub(() => this.snapshot(), opts.throttleMs),
      watches: new Map(),
      jobs: new LiveJobs(),
      progress: new Map(),
      lastBackendLine: null,
      gpuProbe: null,
      now,
      log,
      startWatch: async (p: ProjectRecord) => {
        const watch = new ProjectWatch(
          p.id,
          projectFolders(p),
          store,
          indexer,
          {
            onIndexChanged: (projectId, change) => {
              const counts = store.datasetIndex.counts(projectId);
              ctx.hub.emit('dataset.changed', { projectId, ...change, total: counts.files, unreadable: counts.unreadable });
              emitProject(ctx, projectId);
            },
            onStatusChanged: (projectId) => emitProject(ctx, projectId),
            onError: (projectId, e) => log(`project ${projectId}: ${(e as Error)?.message ?? String(e)}`),
          },
          opts.watch,
          now,
        );
        ctx.watches.set(p.id, watch);
        await watch.start();
      },
    };
    this.ctx = ctx;
    const jobEvents = new JobEvents(ctx);
    this.unsubscribeRunner.push(
      runner.onState((jobId, state, reason) => jobEvents.onState(jobId, state, reason)),
      runner.onMessage((jobId, m) => jobEvents.onMessage(jobId, m)),
    );
    const api: Record<string, (params: unknown) => Promise<ApiResult<unknown>>> = {};
    for (const name of METHOD_NAMES) api[name] = (params) => this.call(name, params);
    this.api = api as unknown as StudioApi;
  }

  /** Opens (or creates) the data folder, recovers after a crash, and starts watching every project. */
  static async open(opts: StudioOptions): Promise<Studio> {
    const dataDir = new DataDir(opts.dataDir);
    mkdirSync(dataDir.root, { recursive: true });
    const store = Store.open(dataDir.database, opts.metrics ? { metrics: opts.metrics } : {});
    const studio = new Studio(dataDir, store, opts.runner ?? new UnavailableJobRunner(), opts);
    await Promise.all(store.projects.list().map((p) => studio.ctx.startWatch(p)));
    return studio;
  }

  /** Validates and runs one API call; never throws (errors come back in the envelope). */
  async call(method: string, params: unknown): Promise<ApiResult<unknown>> {
    if (this.closed) return { ok: false, error: { code: 'unavailable', message: 'The studio is shutting down.' } };
    return dispatch(this.ctx, method, params);
  }

  /** Typed call for in-process callers. */
  async request<M extends MethodName>(method: M, params: MethodInput<M>): Promise<ApiResult<MethodOutput<M>>> {
    return (await this.call(method, params)) as ApiResult<MethodOutput<M>>;
  }

  /** The listener gets a 'snapshot' now, then every event until it unsubscribes. */
  subscribe(listener: EventListener): () => void {
    return this.ctx.hub.subscribe(listener);
  }

  /** The real path behind a /files/… URL (its decoded segments), or a StudioError. */
  resolveFile(segments: readonly string[]): Promise<string> {
    return resolveProjectFile(this.store, segments);
  }

  /** Resolves when every project's pending index work is done. */
  async settled(): Promise<void> {
    await Promise.all([...this.ctx.watches.values()].map((w) => w.idle()));
  }

  private snapshot(): StudioEvents['snapshot'] {
    const { store } = this.ctx;
    const activeRuns = store.runs.listByStatus(ACTIVE_RUN_STATUSES).map((r) => presentRunSummary(this.ctx, r));
    const progress: Record<string, RunProgress> = {};
    for (const [runId, p] of this.ctx.progress) progress[runId] = p;
    return { projects: store.projects.list().map((p) => presentProject(this.ctx, p)), activeRuns, progress, jobs: store.jobs.live() };
  }

  /** What a graceful stop will wait for, one phrase per job (empty when nothing runs). */
  stopNotice(): string[] {
    return gracefulStopNotice(this.ctx);
  }

  /**
   * Stops while close() waits: every job ends now (a second Ctrl-C). Returns what each training
   * loses, one phrase per run; their reasons say the studio ended them.
   */
  abort(cause: string): string[] {
    const losses = abortNotice(this.ctx);
    this.ctx.runner.abort(cause);
    return losses;
  }

  /**
   * Stops the jobs (training finishes its step and saves), then closes the database. Returns how
   * each training that was running ended, one line per run.
   */
  async close(): Promise<string[]> {
    if (this.closed) return [];
    this.closed = true;
    const running = liveTrainings(this.ctx).map((r) => r.runId);
    await Promise.all([...this.ctx.watches.values()].map((w) => w.close()));
    this.ctx.watches.clear();
    // Let the runner stop its children (they checkpoint and report) before the database closes.
    await this.ctx.runner.close().catch((e: unknown) => this.ctx.log(`closing jobs: ${(e as Error)?.message ?? String(e)}`));
    const ended = endedNotice(this.ctx, running);
    for (const u of this.unsubscribeRunner) u();
    this.ctx.hub.close();
    this.store.close();
    return ended;
  }
}
