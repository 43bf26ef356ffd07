// Fan-out of studio events to subscribers. A new subscriber gets a snapshot first, then every
// event after it, in order (both happen on the same tick, so nothing slips in between).
// Training reports every iteration; subscribers get loss points and progress at most every
// EVENT_THROTTLE_MS per run, each event carrying all points since the previous one.
import { EVENT_THROTTLE_MS, type EventListener, type StudioEvent, type StudioEvents } from '../api/events.js';
import type { MetricPoint, RunProgress } from '../api/entities.js';

export class EventHub {
  private readonly listeners = new Set<EventListener>();
  private readonly pendingPoints = new Map<string, MetricPoint[]>();
  private readonly pendingProgress = new Map<string, RunProgress>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly snapshot: () => StudioEvents['snapshot'],
    private readonly throttleMs = EVENT_THROTTLE_MS,
  ) {}

  subscribe(listener: EventListener): () => void {
    listener({ event: 'snapshot', data: this.snapshot() });
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  emit<E extends keyof StudioEvents>(event: E, data: StudioEvents[E]): void {
    const e = { event, data } as StudioEvent;
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // One broken subscriber (a closed socket) must not starve the others.
      }
    }
  }

  /** Queues a loss point and the run's progress; delivered on the next throttle tick. */
  metric(runId: string, point: MetricPoint, progress: RunProgress): void {
    let list = this.pendingPoints.get(runId);
    if (!list) this.pendingPoints.set(runId, (list = []));
    list.push(point);
    this.pendingProgress.set(runId, progress);
    this.timer ??= setTimeout(() => this.flush(), this.throttleMs);
  }

  /** Queues the run's progress alone (the child's own progress messages). */
  progress(runId: string, progress: RunProgress): void {
    this.pendingProgress.set(runId, progress);
    this.timer ??= setTimeout(() => this.flush(), this.throttleMs);
  }

  /** Sends queued points now (before a state change, so charts are complete when a run ends). */
  flush(runId?: string): void {
    const ids = runId === undefined ? [...new Set([...this.pendingPoints.keys(), ...this.pendingProgress.keys()])] : [runId];
    for (const id of ids) {
      const points = this.pendingPoints.get(id);
      const progress = this.pendingProgress.get(id);
      this.pendingPoints.delete(id);
      this.pendingProgress.delete(id);
      if (points?.length) this.emit('run.metrics', { runId: id, points });
      if (progress) this.emit('run.progress', { runId: id, progress });
    }
    if (this.pendingPoints.size === 0 && this.pendingProgress.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  close(): void {
    this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }
}
