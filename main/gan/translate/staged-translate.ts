import { MemoryFeatureMap, type FeatureMap, type Region } from './feature-map.js';
import type { FeatureStore } from './feature-store.js';
import type { Stage, StageOp } from './stage-program.js';
import { axisOps, inputFor, sizesThrough, through, type AxisOp, type AxisState, type Span } from './tile-geometry.js';

/**
 * Exact tiled translation of a ResNet generator: the network runs stage by stage over the whole
 * image (see stage-program.ts), each stage in tiles whose inputs reach as far as its convs see, so
 * every tile's core equals the whole-image computation; instance-norm statistics are summed over
 * the cores of the whole map (in float64) before the next stage normalises with them. The result
 * equals a whole-image pass up to float rounding, with memory bounded by the tile and the stored
 * maps (in memory or spilled to disk by the FeatureStore).
 */

/** A tile of a stage's input (NCHW, N = 1) and what the stage needs besides. */
export interface StageTile {
  input: Float32Array;
  height: number;
  width: number;
  /** Whole-image statistics for the stage's entry norm (instance norm). */
  stats?: { mean: Float32Array; variance: Float32Array };
  /** Saved maps the stage adds back, each over the tile's extent at that point (NCHW). */
  saved: Map<number, { data: Float32Array; height: number; width: number }>;
}

export interface StageResult {
  /** NCHW over the tile's output extent. */
  output: Float32Array;
  /** The values saved for later stages, NCHW over the extent at the save. */
  saves: Map<number, Float32Array>;
}

/** Runs one stage on one tile, on whichever engine. */
export interface StageRunner {
  /** Tiles that may run at once. */
  readonly concurrency: number;
  run(stage: Stage, tile: StageTile): Promise<StageResult>;
}

export interface StagedOptions {
  /** Tile core side in pixels of the full-size image (0: from tileFloats). */
  tile?: number;
  /** The most floats any tensor of a tile may hold (bounds a tile's working memory). */
  tileFloats: number;
  store: FeatureStore;
  signal?: AbortSignal;
  /** Fraction of the image's work done (0..1), after each tile. */
  onProgress?: (fraction: number) => void;
}

/** A planar image (NCHW, N = 1) of the network's input size: already a multiple of what it needs. */
export interface PlanarImage {
  data: Float32Array;
  channels: number;
  height: number;
  width: number;
}

interface StageGeometry {
  stage: Stage;
  ops: AxisOp[];
  inH: number;
  inW: number;
  outH: number;
  outW: number;
}

/** Index into a stage's AxisOps of each StageOp (a reflection pad shares its conv's). */
function opIndexMap(ops: readonly StageOp[]): number[] {
  const idx: number[] = [];
  let g = 0;
  for (const o of ops) {
    idx.push(g);
    if (o.op !== 'reflectPad') g++;
  }
  return idx;
}

/** Splits [0, size) into `count` near-equal spans. */
function spans(size: number, count: number): Span[] {
  return Array.from({ length: count }, (_, i) => ({ start: Math.floor((i * size) / count), end: Math.floor(((i + 1) * size) / count) }));
}

/** The largest tensor (in floats) a tile with these cores computes. */
function tileFloats(g: StageGeometry, rows: Span, cols: Span): number {
  const ys = through(g.ops, inputFor(g.ops, rows, g.inH), g.inH);
  const xs = through(g.ops, inputFor(g.ops, cols, g.inW), g.inW);
  let channels = g.stage.inChannels;
  let most = 0;
  let k = 0;
  for (const o of g.stage.ops) {
    if (o.op === 'conv' || o.op === 'convTranspose') channels = Math.max(channels, o.outC);
    if (o.op !== 'reflectPad') k++;
    const h = ys[k]!.extent;
    const w = xs[k]!.extent;
    // + 6: the widest padding (a 7×7 conv's) the engine adds around the tensor.
    most = Math.max(most, channels * (h.end - h.start + 6) * (w.end - w.start + 6));
  }
  return most;
}

/** Tiles of a stage's output: the given side, or full-width bands (then columns) within the budget. */
function tileGrid(g: StageGeometry, opts: StagedOptions, fullHeight: number): { rows: Span[]; cols: Span[] } {
  if (opts.tile && opts.tile > 0) {
    const scale = g.outH / fullHeight;
    const side = Math.max(1, Math.round(opts.tile * scale));
    return { rows: spans(g.outH, Math.ceil(g.outH / side)), cols: spans(g.outW, Math.ceil(g.outW / side)) };
  }
  for (let nc = 1; nc <= g.outW; nc *= 2) {
    for (let nr = 1; nr <= g.outH; nr *= 2) {
      const rows = spans(g.outH, nr);
      const cols = spans(g.outW, nc);
      if (tileFloats(g, rows[0]!, cols[0]!) <= opts.tileFloats) return { rows, cols };
      if (rows[0]!.end - rows[0]!.start <= 8) break;
    }
  }
  return { rows: spans(g.outH, Math.ceil(g.outH / 8)), cols: spans(g.outW, Math.ceil(g.outW / 8)) };
}

interface Job {
  rows: Span;
  cols: Span;
  ys: AxisState[];
  xs: AxisState[];
}

function region(ys: Span, xs: Span): Region {
  return { y0: ys.start, y1: ys.end, x0: xs.start, x1: xs.end };
}

/** Per-channel sums (float64) over a region of an NCHW tile, for whole-image statistics. */
class Moments {
  readonly sum: Float64Array;
  readonly squares: Float64Array;
  count = 0;

  constructor(readonly channels: number) {
    this.sum = new Float64Array(channels);
    this.squares = new Float64Array(channels);
  }

  add(tile: Float32Array, from: Region, core: Region): void {
    const tw = from.x1 - from.x0;
    const th = from.y1 - from.y0;
    for (let c = 0; c < this.channels; c++) {
      let s = 0;
      let q = 0;
      for (let y = core.y0; y < core.y1; y++) {
        const base = (c * th + (y - from.y0)) * tw - from.x0;
        for (let x = core.x0; x < core.x1; x++) {
          const v = tile[base + x]!;
          s += v;
          q += v * v;
        }
      }
      this.sum[c]! += s;
      this.squares[c]! += q;
    }
    this.count += (core.y1 - core.y0) * (core.x1 - core.x0);
  }

  /** Mean and biased variance, as instance norm takes them. */
  result(): { mean: Float32Array; variance: Float32Array } {
    const mean = new Float32Array(this.channels);
    const variance = new Float32Array(this.channels);
    for (let c = 0; c < this.channels; c++) {
      const m = this.sum[c]! / this.count;
      mean[c] = m;
      variance[c] = Math.max(0, this.squares[c]! / this.count - m * m);
    }
    return { mean, variance };
  }
}

function contains(outer: Span, inner: Span): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

/** Translates a planar image whose size the network accepts; returns the output, planar. */
export async function translateStaged(
  image: PlanarImage,
  stages: readonly Stage[],
  runner: StageRunner,
  opts: StagedOptions,
): Promise<PlanarImage> {
  const geometry: StageGeometry[] = [];
  let h = image.height;
  let w = image.width;
  for (const stage of stages) {
    const ops = axisOps(stage.ops);
    const outH = through(ops, { start: 0, end: h }, h).at(-1)!.size;
    const outW = through(ops, { start: 0, end: w }, w).at(-1)!.size;
    geometry.push({ stage, ops, inH: h, inW: w, outH, outW });
    h = outH;
    w = outW;
  }
  const grids = geometry.map((g) => tileGrid(g, opts, image.height));
  // Work per stage ∝ output pixels × channels in × channels out: progress moves by it.
  const work = geometry.map((g) => g.outH * g.outW * g.stage.inChannels * g.stage.outChannels);
  const totalWork = work.reduce((a, b) => a + b, 0);
  let doneWork = 0;

  let input: FeatureMap = new MemoryFeatureMap(image.channels, image.height, image.width);
  input.write(
    image.data,
    region({ start: 0, end: image.height }, { start: 0, end: image.width }),
    region({ start: 0, end: image.height }, { start: 0, end: image.width }),
  );
  const saved = new Map<number, FeatureMap>();
  let stats: { mean: Float32Array; variance: Float32Array } | undefined;
  try {
    for (let s = 0; s < geometry.length; s++) {
      const g = geometry[s]!;
      const { stage } = g;
      const output = opts.store.create(stage.outChannels, g.outH, g.outW);
      const moments = stage.gathers?.kind === 'instance' ? new Moments(stage.outChannels) : null;
      const opIndex = opIndexMap(stage.ops);
      const saveAt = (slot: number) => opIndex[stage.ops.findIndex((o) => o.op === 'save' && o.slot === slot)]!;
      for (const slot of stage.saves) {
        // Tiles write their saves over their cores, so a save must be at the output's resolution (after a blur pool, say).
        const at = stage.ops.find((o): o is Extract<StageOp, { op: 'save' }> => o.op === 'save' && o.slot === slot)!;
        if (sizesThrough(g.ops, g.inH)[saveAt(slot)] !== g.outH || sizesThrough(g.ops, g.inW)[saveAt(slot)] !== g.outW) {
          throw new Error(`stage ${s} saves a map at another size than its output`);
        }
        saved.set(slot, opts.store.create(at.channels, g.outH, g.outW));
      }
      const { rows, cols } = grids[s]!;
      const jobs: Job[] = rows.flatMap((r) =>
        cols.map((c) => ({
          rows: r,
          cols: c,
          ys: through(g.ops, inputFor(g.ops, r, g.inH), g.inH),
          xs: through(g.ops, inputFor(g.ops, c, g.inW), g.inW),
        })),
      );
      const launch = (job: Job): Promise<StageResult> => {
        const inR = region(job.ys[0]!.extent, job.xs[0]!.extent);
        const tile: StageTile = {
          input: input.read(inR),
          height: inR.y1 - inR.y0,
          width: inR.x1 - inR.x0,
          ...(stats && stage.ops[0]?.op === 'instanceNormWith' ? { stats } : {}),
          saved: new Map(),
        };
        stage.ops.forEach((o, i) => {
          if (o.op !== 'addSaved' || !stage.reads.includes(o.slot)) return;
          const at = region(job.ys[opIndex[i]!]!.extent, job.xs[opIndex[i]!]!.extent);
          tile.saved.set(o.slot, { data: saved.get(o.slot)!.read(at), height: at.y1 - at.y0, width: at.x1 - at.x0 });
        });
        const p = runner.run(stage, tile);
        p.catch(() => undefined);
        return p;
      };
      const inFlight = Math.max(1, runner.concurrency);
      const running: Array<Promise<StageResult>> = jobs.slice(0, inFlight).map(launch);
      for (let j = 0; j < jobs.length; j++) {
        if (opts.signal?.aborted) throw new DOMException('translation stopped', 'AbortError');
        const result = await running[j]!;
        if (j + inFlight < jobs.length) running[j + inFlight] = launch(jobs[j + inFlight]!);
        const job = jobs[j]!;
        const last = { y: job.ys.at(-1)!, x: job.xs.at(-1)! };
        if (!contains(last.y.valid, job.rows) || !contains(last.x.valid, job.cols)) {
          throw new Error(`stage ${s}: a tile's exact part misses its core (an internal error in the tile geometry)`);
        }
        const from = region(last.y.extent, last.x.extent);
        const core = region(job.rows, job.cols);
        output.write(result.output, from, core);
        moments?.add(result.output, from, core);
        for (const [slot, values] of result.saves) {
          const at = { y: job.ys[saveAt(slot)]!, x: job.xs[saveAt(slot)]! };
          if (!contains(at.y.valid, job.rows) || !contains(at.x.valid, job.cols)) {
            throw new Error(`stage ${s}: a tile's saved map is not exact over its core (an internal error in the tile geometry)`);
          }
          saved.get(slot)!.write(values, region(at.y.extent, at.x.extent), core);
        }
        doneWork += work[s]! / jobs.length;
        opts.onProgress?.(doneWork / totalWork);
      }
      input.dispose();
      input = output;
      for (const slot of stage.reads) {
        saved.get(slot)?.dispose();
        saved.delete(slot);
      }
      stats = moments?.result();
    }
    const last = geometry.at(-1)!;
    return {
      data: input.read(region({ start: 0, end: last.outH }, { start: 0, end: last.outW })),
      channels: last.stage.outChannels,
      height: last.outH,
      width: last.outW,
    };
  } finally {
    input.dispose();
    for (const m of saved.values()) m.dispose();
  }
}
