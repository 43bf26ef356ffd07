// Per-iteration losses. Training reports one point per iteration (tens to hundreds a second on a
// GPU with small images); one transaction per point would cap throughput at fsync speed, so points
// are buffered and written in batches: when the buffer fills or after a short delay.
import type { MetricPoint } from '../api/entities.js';
import type { Db } from './database.js';

export class MetricsRepo {
  constructor(private readonly db: Db) {}

  /** Writes points in one transaction; a repeated iteration replaces the old point (a resumed run). */
  insertMany(runId: string, points: readonly MetricPoint[]): void {
    const stmt = this.db.prepare(
      'INSERT OR REPLACE INTO metrics (run_id, iteration, epoch, losses, lr, seconds) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const p of points) stmt.run(runId, p.iteration, p.epoch, JSON.stringify(p.losses), p.lr, p.seconds);
    })();
  }

  count(runId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?').get(runId) as { n: number }).n;
  }

  list(runId: string, afterIteration = -1): MetricPoint[] {
    const rows = this.db
      .prepare('SELECT iteration, epoch, losses, lr, seconds FROM metrics WHERE run_id = ? AND iteration > ? ORDER BY iteration')
      .all(runId, afterIteration) as Array<{ iteration: number; epoch: number; losses: string; lr: number; seconds: number }>;
    return rows.map((r) => ({
      iteration: r.iteration,
      epoch: r.epoch,
      losses: JSON.parse(r.losses) as Record<string, number | null>,
      lr: r.lr,
      seconds: r.seconds,
    }));
  }

  /** Drops points past a checkpoint: a resumed run recomputes those iterations. */
  deleteAfter(runId: string, iteration: number): number {
    return this.db.prepare('DELETE FROM metrics WHERE run_id = ? AND iteration > ?').run(runId, iteration).changes;
  }
}

export interface MetricsWriterOptions {
  /** Flush when this many points wait. */
  batchSize?: number;
  /** Flush at most this long after the first waiting point. */
  maxDelayMs?: number;
  onError?: (e: unknown) => void;
}

/** Buffers points per run and writes them in batched transactions. Call close() to flush the rest. */
export class MetricsWriter {
  private readonly pending = new Map<string, MetricPoint[]>();
  private waiting = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly batchSize: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly repo: MetricsRepo,
    private readonly opts: MetricsWriterOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 200;
  }

  add(runId: string, point: MetricPoint): void {
    let list = this.pending.get(runId);
    if (!list) this.pending.set(runId, (list = []));
    list.push(point);
    this.waiting++;
    if (this.waiting >= this.batchSize) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batches = [...this.pending];
    this.pending.clear();
    this.waiting = 0;
    for (const [runId, points] of batches) {
      try {
        this.repo.insertMany(runId, points);
      } catch (e) {
        // A run deleted while its points were buffered: the points have nowhere to go.
        this.opts.onError?.(e);
      }
    }
  }

  /** Flushes one run now (before a resume trims its tail, or when its job ends). */
  flushRun(runId: string): void {
    const points = this.pending.get(runId);
    if (!points) return;
    this.pending.delete(runId);
    this.waiting -= points.length;
    try {
      this.repo.insertMany(runId, points);
    } catch (e) {
      this.opts.onError?.(e);
    }
  }

  close(): void {
    this.flush();
  }
}
