// Loss curves: points merged by iteration (history from runs.metrics and live run.metrics events
// arrive in any order and may overlap), columns for uPlot, and TensorBoard-style smoothing.
import type { MetricPoint } from '$api/entities.js';

export class MetricSeries {
  /** Sorted by iteration, unique. */
  readonly iterations: number[] = [];
  readonly epochs: number[] = [];
  readonly losses = new Map<string, Array<number | null>>();
  /** Loss names in first-seen order. */
  readonly names: string[] = [];
  version = 0;

  get length(): number {
    return this.iterations.length;
  }

  get lastIteration(): number {
    return this.iterations.length ? this.iterations[this.iterations.length - 1]! : -1;
  }

  /** Adds points, ignoring iterations already present. Returns how many were new. */
  add(points: readonly MetricPoint[]): number {
    let added = 0;
    for (const p of points) {
      for (const name of Object.keys(p.losses)) {
        if (!this.losses.has(name)) {
          this.losses.set(name, new Array<number | null>(this.iterations.length).fill(null));
          this.names.push(name);
        }
      }
      const n = this.iterations.length;
      let at: number;
      if (n === 0 || p.iteration > this.iterations[n - 1]!) at = n;
      else {
        at = lowerBound(this.iterations, p.iteration);
        if (this.iterations[at] === p.iteration) continue;
      }
      this.iterations.splice(at, 0, p.iteration);
      this.epochs.splice(at, 0, p.epoch);
      for (const [name, col] of this.losses) {
        const v = p.losses[name];
        col.splice(at, 0, typeof v === 'number' && Number.isFinite(v) ? v : null);
      }
      added++;
    }
    if (added) this.version++;
    return added;
  }

  clear(): void {
    this.iterations.length = 0;
    this.epochs.length = 0;
    this.losses.clear();
    this.names.length = 0;
    this.version++;
  }

  column(name: string): Array<number | null> {
    return this.losses.get(name) ?? [];
  }
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Exponential moving average with bias correction (as TensorBoard does): weight 0 returns the
 * input, 0.99 is very smooth; early points are not dragged towards zero. Gaps (null/NaN) stay gaps
 * and do not reset the average.
 */
export function smoothEma(values: ReadonlyArray<number | null>, weight: number): Array<number | null> {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0) return values.slice();
  const out = new Array<number | null>(values.length);
  let last = 0;
  let debias = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      out[i] = null;
      continue;
    }
    last = last * w + (1 - w) * v;
    debias = debias * w + (1 - w);
    out[i] = last / debias;
  }
  return out;
}

/** Data for uPlot: [x, ...one column per visible loss], smoothed. */
export function chartColumns(series: MetricSeries, visible: readonly string[], smoothing: number): Array<Array<number | null>> {
  return [series.iterations, ...visible.map((n) => smoothEma(series.column(n), smoothing))];
}

/** A colour per loss name, stable across runs and reloads. */
const PALETTE = ['#5aa9e6', '#f28e2b', '#59c36a', '#e15759', '#b07aa1', '#edc948', '#76b7b2', '#ff9da7', '#9c9c9c', '#c9a27e'];
const KNOWN: Record<string, number> = {
  G_GAN: 0,
  G_L1: 1,
  D_real: 2,
  D_fake: 3,
  D_A: 0,
  G_A: 1,
  cycle_A: 2,
  idt_A: 3,
  D_B: 4,
  G_B: 5,
  cycle_B: 6,
  idt_B: 7,
  // CUT: G_GAN, D_real and D_fake as above; never shown beside pix2pix's G_L1 or CycleGAN's D_B.
  NCE: 1,
  G: 4,
  NCE_Y: 5,
};
export function lossColour(name: string, fallbackIndex = 0): string {
  const i = KNOWN[name] ?? fallbackIndex;
  return PALETTE[i % PALETTE.length]!;
}
export function runColour(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/**
 * Several runs' curves of one loss on one x axis: the union of their iterations, null where a run
 * has no point (uPlot spans the gaps). Each run is smoothed on its own points first.
 */
export function overlayColumns(runs: readonly MetricSeries[], loss: string, smoothing: number): Array<Array<number | null>> {
  const xs = [...new Set(runs.flatMap((r) => r.iterations))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const cols = runs.map((r) => {
    const col = new Array<number | null>(xs.length).fill(null);
    const ys = smoothEma(r.column(loss), smoothing);
    r.iterations.forEach((it, i) => (col[at.get(it)!] = ys[i] ?? null));
    return col;
  });
  return [xs, ...cols];
}
