import type { MetricPoint } from '../api/entities.js';

/**
 * At most `max` points: consecutive points are averaged in equal buckets. GAN losses are noisy
 * enough that picking every k-th point draws a different jagged line at each zoom; the bucket mean
 * is stable. Each bucket is stamped with its last iteration so the x axis still ends at "now".
 */
export function downsampleMetrics(points: readonly MetricPoint[], max: number): MetricPoint[] {
  if (points.length <= max) return [...points];
  const out: MetricPoint[] = [];
  for (let b = 0; b < max; b++) {
    const start = Math.floor((b * points.length) / max);
    const end = Math.floor(((b + 1) * points.length) / max);
    const bucket = points.slice(start, end);
    const last = bucket[bucket.length - 1]!;
    const losses: Record<string, number | null> = {};
    for (const name of Object.keys(last.losses)) {
      let sum = 0;
      let n = 0;
      for (const p of bucket) {
        const v = p.losses[name];
        if (typeof v === 'number' && Number.isFinite(v)) {
          sum += v;
          n++;
        }
      }
      losses[name] = n > 0 ? sum / n : null;
    }
    const mean = (f: (p: MetricPoint) => number) => bucket.reduce((s, p) => s + f(p), 0) / bucket.length;
    out.push({ iteration: last.iteration, epoch: last.epoch, losses, lr: last.lr, seconds: mean((p) => p.seconds) });
  }
  return out;
}
