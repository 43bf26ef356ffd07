// One run's live state, rebuilt after a reload or reconnect: runs.get + runs.metrics + runs.samples
// for the history, then run.* events for what follows. Events that arrive while the history loads
// are kept and merged (points are merged by iteration, so overlap is harmless).
import type { Checkpoint, Run, RunProgress, RunSummary, Sample } from '$api/entities.js';
import type { StudioEvent } from '$api/events.js';
import type { StudioClient } from '../client/types.js';
import { MetricSeries } from './metrics.js';

export const HISTORY_MAX_POINTS = 20_000;

export class RunLive {
  run: Run | null = null;
  progress: RunProgress | null = null;
  readonly series = new MetricSeries();
  samples: Sample[] = [];
  checkpoints: Checkpoint[] = [];
  error: string | null = null;
  loading = true;
  private off: (() => void) | null = null;
  private loads = 0;

  constructor(
    private readonly client: StudioClient,
    readonly runId: string,
    private readonly changed: () => void = () => {},
  ) {}

  start(): void {
    this.off = this.client.subscribe((e) => this.onEvent(e));
    void this.load(false);
  }

  stop(): void {
    this.off?.();
    this.off = null;
  }

  /** Fetch the history (all of it, or only what came after what we have). */
  async load(incremental: boolean): Promise<void> {
    const n = ++this.loads;
    const after = incremental ? this.series.lastIteration : -1;
    const [run, metrics, samples, checkpoints] = await Promise.all([
      this.client.call('runs.get', { runId: this.runId }),
      this.client.call('runs.metrics', { runId: this.runId, maxPoints: HISTORY_MAX_POINTS, afterIteration: after }),
      this.client.call('runs.samples', { runId: this.runId }),
      this.client.call('checkpoints.list', { runId: this.runId }),
    ]);
    if (n !== this.loads) return;
    this.loading = false;
    if (!run.ok) {
      this.error = run.error.message;
      this.changed();
      return;
    }
    this.error = null;
    this.run = run.result;
    this.progress = run.result.progress ?? this.progress;
    if (metrics.ok) this.series.add(metrics.result.points);
    if (samples.ok) this.mergeSamples(samples.result);
    if (checkpoints.ok) this.checkpoints = checkpoints.result;
    this.changed();
  }

  private mergeSamples(list: readonly Sample[]): void {
    const byIter = new Map(this.samples.map((s) => [s.iteration, s]));
    for (const s of list) byIter.set(s.iteration, s);
    this.samples = [...byIter.values()].sort((a, b) => a.iteration - b.iteration);
  }

  onEvent(e: StudioEvent): void {
    switch (e.event) {
      case 'snapshot':
        // A (re)connect: catch up on what happened while we were away.
        if (!this.loading) void this.load(true);
        if (e.data.progress[this.runId]) this.progress = e.data.progress[this.runId]!;
        break;
      case 'run.metrics':
        if (e.data.runId !== this.runId) return;
        this.series.add(e.data.points);
        break;
      case 'run.progress':
        if (e.data.runId !== this.runId) return;
        this.progress = e.data.progress;
        break;
      case 'run.sample':
        if (e.data.runId !== this.runId) return;
        this.mergeSamples([e.data.sample]);
        break;
      case 'run.checkpoint':
        if (e.data.runId !== this.runId) return;
        this.checkpoints = [...this.checkpoints.filter((c) => c.id !== e.data.checkpoint.id), e.data.checkpoint];
        break;
      case 'run.changed':
        if (e.data.run.id !== this.runId) return;
        this.applySummary(e.data.run);
        break;
      default:
        return;
    }
    this.changed();
  }

  private applySummary(s: RunSummary): void {
    if (this.run) this.run = { ...this.run, ...s };
  }
}
