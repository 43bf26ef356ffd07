// Batches for training: the reference's Aligned/Unaligned/Single datasets plus its DataLoader
// (shuffle unless serial_batches, last batch may be short), made reproducible and resumable, and
// tolerant of files that go bad while a run is going.
//
// Reproducibility: every random choice derives from (seed, epoch, position in the epoch), never from
// what happened before. So epoch n has the same order and crops whether it is reached by training
// from the start or by resuming with `startAt`, and a file that fails does not shift the others.
//
// Direction: the loader never swaps A and B. The model's setInput swaps by direction; the loader only
// uses direction to give each folder the channel count the reference gives it (with BtoA the A
// folder becomes the model's output, so it is read with output_nc channels).
import { tf } from '../gan/tf.js';
import { Rng } from '../gan/util/rng.js';
import { DatasetError, ImageReadError } from './errors.js';
import { decodeRaw, readImageHeader, readSourceBytes } from './image-read.js';
import { extractRaw } from './raw-pixels.js';
import type { DatasetLayout } from './layout.js';
import {
  loadTransformed,
  sampleTransformParams,
  transformRaw,
  validatePreprocessOptions,
  type PreprocessOptions,
  type TransformParams,
} from './preprocess.js';

export interface LoaderOptions {
  batch_size: number;
  /** Take items in order instead of shuffling (and pair unaligned B by index, not at random). */
  serial_batches?: boolean;
  /** Keep only the first N files of each folder (after sorting), as the reference; null = all. */
  max_dataset_size?: number | null;
  preprocess: PreprocessOptions;
  direction: 'AtoB' | 'BtoA';
  seed: number;
  /** Batches decoded ahead of the one being consumed; default 2. */
  prefetch?: number;
}

export interface LoadedBatch {
  /** [n, h, w, input channels] in [-1, 1]; the caller disposes it. */
  A: tf.Tensor4D;
  B: tf.Tensor4D;
  pathsA: string[];
  pathsB: string[];
  /** Batch number within the epoch (pass index + 1 as startAt to resume after it). */
  index: number;
}

export interface LoadStats {
  /** Wall time spent decoding and preprocessing items, summed over items (they overlap). */
  decodeSecondsTotal: number;
  /** Time the consumer spent waiting for a batch that was not ready yet. */
  waitSecondsTotal: number;
  itemsLoaded: number;
  itemsSkipped: number;
  batches: number;
}

export type SkipListener = (path: string, reason: string, error: ImageReadError) => void;

/** One dataset item: which files it reads. For aligned files both paths are the A|B file. */
export interface PlannedItem {
  position: number;
  pathA: string;
  pathB: string;
}

interface LoadedItem {
  pathA: string;
  pathB: string;
  a: Float32Array;
  b: Float32Array;
  width: number;
  height: number;
  widthB: number;
  heightB: number;
}

interface BatchResult {
  items: LoadedItem[];
  skipped: ImageReadError[];
}

type Source =
  | { kind: 'aligned'; files: string[] }
  | { kind: 'paired'; pairs: Array<{ a: string; b: string }> }
  | { kind: 'unpaired'; filesA: string[]; filesB: string[] }
  | { kind: 'single'; files: string[] };

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new DatasetError('bad-options', `${name} must be a whole number ≥ 1; got ${String(v)}`);
  return v;
}

export class DatasetLoader {
  private readonly source: Source;
  private readonly opts: Required<Omit<LoaderOptions, 'max_dataset_size'>>;
  private readonly root: Rng;
  private readonly channelsA: 1 | 3;
  private readonly channelsB: 1 | 3;
  private readonly listeners = new Set<SkipListener>();
  private stats: LoadStats = { decodeSecondsTotal: 0, waitSecondsTotal: 0, itemsLoaded: 0, itemsSkipped: 0, batches: 0 };

  constructor(layout: DatasetLayout, options: LoaderOptions) {
    positiveInt('batch_size', options.batch_size);
    const prefetch = options.prefetch ?? 2;
    if (!Number.isInteger(prefetch) || prefetch < 0)
      throw new DatasetError('bad-options', `prefetch must be a whole number ≥ 0; got ${prefetch}`);
    if (!Number.isSafeInteger(options.seed)) throw new DatasetError('bad-options', `seed must be a whole number; got ${options.seed}`);
    if (options.direction !== 'AtoB' && options.direction !== 'BtoA') {
      throw new DatasetError('bad-options', `direction must be AtoB or BtoA; got ${JSON.stringify(options.direction)}`);
    }
    validatePreprocessOptions(options.preprocess);
    const cap = options.max_dataset_size ?? null;
    if (cap !== null) positiveInt('max_dataset_size', cap);
    const take = <T>(xs: T[]): T[] => (cap === null ? xs : xs.slice(0, cap));

    switch (layout.kind) {
      case 'aligned':
        this.source = { kind: 'aligned', files: take(layout.files) };
        break;
      case 'paired-folders':
        this.source = { kind: 'paired', pairs: take(layout.pairs) };
        break;
      case 'unpaired':
        this.source = { kind: 'unpaired', filesA: take(layout.filesA), filesB: take(layout.filesB) };
        if (!this.source.filesA.length || !this.source.filesB.length) {
          throw new DatasetError(
            'no-images',
            `CycleGAN needs images on both sides; ${layout.filesA.length ? 'B' : 'A'} folder ${layout.filesA.length ? layout.dirB : layout.dirA} has none.`,
          );
        }
        break;
      case 'single':
        this.source = { kind: 'single', files: take(layout.files) };
        break;
    }
    if (this.size === 0) throw new DatasetError('no-images', `The dataset has no items to load (${layout.origin}).`);

    this.opts = {
      batch_size: options.batch_size,
      serial_batches: options.serial_batches ?? false,
      preprocess: options.preprocess,
      direction: options.direction,
      seed: options.seed,
      prefetch,
    };
    const aToB = options.direction === 'AtoB';
    this.channelsA = aToB ? options.preprocess.input_nc : options.preprocess.output_nc;
    this.channelsB = aToB ? options.preprocess.output_nc : options.preprocess.input_nc;
    this.root = new Rng(options.seed);
  }

  /** Items per epoch: aligned/paired/single = files or pairs; unaligned = max(|A|, |B|). */
  get size(): number {
    const s = this.source;
    switch (s.kind) {
      case 'aligned':
      case 'single':
        return s.files.length;
      case 'paired':
        return s.pairs.length;
      case 'unpaired':
        return Math.max(s.filesA.length, s.filesB.length);
    }
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.size / this.opts.batch_size);
  }

  /** Registers a listener for files skipped because they could not be read; returns an unsubscribe. */
  onSkip(cb: SkipListener): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  loadStats(): LoadStats {
    return { ...this.stats };
  }

  resetLoadStats(): void {
    this.stats = { decodeSecondsTotal: 0, waitSecondsTotal: 0, itemsLoaded: 0, itemsSkipped: 0, batches: 0 };
  }

  /** The dataset index visited at each position of an epoch (a permutation unless serial_batches). */
  epochOrder(epochNumber: number): number[] {
    const n = this.size;
    const order = Array.from({ length: n }, (_, i) => i);
    if (this.opts.serial_batches) return order;
    const rng = this.root.fork(`order:${epochNumber}`);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.randint(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }

  /** Which files each position of an epoch reads, without reading them. */
  plan(epochNumber: number): PlannedItem[] {
    return this.epochOrder(epochNumber).map((index, position) => this.planItem(epochNumber, position, index).item);
  }

  /**
   * Yields the epoch's batches; `startAt` skips the first k batches (resume after batch k-1). The
   * next `prefetch` batches decode while the caller works on the current one.
   */
  async *epoch(epochNumber: number, opts: { startAt?: number } = {}): AsyncGenerator<LoadedBatch> {
    const startAt = opts.startAt ?? 0;
    const nBatches = this.batchesPerEpoch;
    if (!Number.isInteger(startAt) || startAt < 0 || startAt > nBatches) {
      throw new DatasetError('bad-options', `startAt must be a batch number from 0 to ${nBatches}; got ${startAt}`);
    }
    const order = this.epochOrder(epochNumber);
    const pending = new Map<number, Promise<BatchResult>>();
    const schedule = (k: number) => {
      if (k < nBatches && !pending.has(k)) pending.set(k, this.loadBatch(epochNumber, order, k));
    };
    let delivered = 0;
    const problems: ImageReadError[] = [];
    for (let k = startAt; k < nBatches; k++) {
      for (let j = k; j <= k + this.opts.prefetch; j++) schedule(j);
      const started = performance.now();
      const result = await pending.get(k)!;
      this.stats.waitSecondsTotal += (performance.now() - started) / 1000;
      pending.delete(k);
      for (const err of result.skipped) {
        this.stats.itemsSkipped++;
        if (problems.length < 3) problems.push(err);
        for (const cb of this.listeners) cb(err.path, err.message, err);
      }
      if (result.items.length === 0) continue;
      const batch = this.toBatch(result.items, k);
      delivered += result.items.length;
      this.stats.batches++;
      yield batch;
    }
    // Prefetches abandoned by an early `break` finish in the background: they hold only typed
    // arrays (tensors are made at yield time), so there is nothing to dispose.
    if (delivered === 0 && problems.length > 0) {
      const examples = problems.map((e) => e.message).join('; ');
      throw new DatasetError(
        'all-unreadable',
        `Every image of epoch ${epochNumber} failed to load, so there is nothing to train on. First problems: ${examples}. Fix or replace these files (run the dataset check to list them all).`,
      );
    }
  }

  private planItem(epochNumber: number, position: number, index: number): { item: PlannedItem; rng: Rng } {
    // One generator per item: its draws do not depend on other items or on where a run resumed.
    const rng = this.root.fork(`item:${epochNumber}:${position}`);
    const s = this.source;
    let pathA: string;
    let pathB: string;
    switch (s.kind) {
      case 'aligned':
      case 'single':
        pathA = pathB = s.files[index]!;
        break;
      case 'paired':
        pathA = s.pairs[index]!.a;
        pathB = s.pairs[index]!.b;
        break;
      case 'unpaired': {
        pathA = s.filesA[index % s.filesA.length]!;
        // As UnalignedDataset: a random B for each item (so pairs are not fixed), or by index when serial.
        const bIndex = this.opts.serial_batches ? index % s.filesB.length : rng.randint(0, s.filesB.length - 1);
        pathB = s.filesB[bIndex]!;
        break;
      }
    }
    return { item: { position, pathA, pathB }, rng };
  }

  private async loadBatch(epochNumber: number, order: number[], k: number): Promise<BatchResult> {
    const bs = this.opts.batch_size;
    const positions: number[] = [];
    for (let p = k * bs; p < Math.min(order.length, (k + 1) * bs); p++) positions.push(p);
    const outcomes = await Promise.all(
      positions.map(async (p) => {
        const { item, rng } = this.planItem(epochNumber, p, order[p]!);
        const started = performance.now();
        try {
          return await this.loadItem(item, rng);
        } catch (e) {
          return e instanceof ImageReadError
            ? e
            : new ImageReadError(item.pathA, 'unreadable', (e as Error)?.message ?? String(e), { cause: e });
        } finally {
          this.stats.decodeSecondsTotal += (performance.now() - started) / 1000;
        }
      }),
    );
    const items: LoadedItem[] = [];
    const skipped: ImageReadError[] = [];
    for (const o of outcomes) {
      if (o instanceof ImageReadError) skipped.push(o);
      else {
        items.push(o);
        this.stats.itemsLoaded++;
      }
    }
    return { items, skipped };
  }

  private async loadItem(item: PlannedItem, rng: Rng): Promise<LoadedItem> {
    const pre = this.opts.preprocess;
    const s = this.source;
    if (s.kind === 'aligned') {
      const raw = await decodeRaw(item.pathA);
      // int(w / 2) as the reference; for odd widths the last column is dropped so A and B stay the
      // same size and pixel-aligned (the reference gives B the extra column and squeezes it on resize).
      const half = Math.floor(raw.width / 2);
      if (half < 1)
        throw new ImageReadError(
          item.pathA,
          'unsupported',
          `the image is ${raw.width} pixel wide; a side-by-side A|B image needs at least 2 columns`,
        );
      const params = sampleTransformParams(rng, half, raw.height, pre);
      const [a, b] = await Promise.all([
        transformRaw(extractRaw(raw, 0, 0, half, raw.height), params, this.channelsA),
        transformRaw(extractRaw(raw, half, 0, half, raw.height), params, this.channelsB),
      ]);
      return {
        pathA: item.pathA,
        pathB: item.pathB,
        a: a.data,
        b: b.data,
        width: a.width,
        height: a.height,
        widthB: b.width,
        heightB: b.height,
      };
    }
    if (s.kind === 'single') {
      const bytes = await readSourceBytes(item.pathA);
      const header = await readImageHeader(bytes);
      const a = await loadTransformed(bytes, sampleTransformParams(rng, header.width, header.height, pre), this.channelsA);
      return {
        pathA: item.pathA,
        pathB: item.pathB,
        a: a.data,
        b: a.data,
        width: a.width,
        height: a.height,
        widthB: a.width,
        heightB: a.height,
      };
    }
    const [bytesA, bytesB] = await Promise.all([readSourceBytes(item.pathA), readSourceBytes(item.pathB)]);
    const [headerA, headerB] = await Promise.all([readImageHeader(bytesA), readImageHeader(bytesB)]);
    const paramsA = sampleTransformParams(rng, headerA.width, headerA.height, pre);
    let paramsB: TransformParams;
    if (s.kind === 'paired') {
      // Same crop and flip for both. A B of another size is first resized to A's size, so the crop
      // window covers the same content in both.
      const sameSize = headerA.width === headerB.width && headerA.height === headerB.height;
      paramsB = { ...paramsA, resize: paramsA.resize ?? (sameSize ? null : { w: headerA.width, h: headerA.height }) };
    } else {
      // Unaligned: A and B transformed independently, as the reference's two transform pipelines.
      paramsB = sampleTransformParams(rng, headerB.width, headerB.height, pre);
    }
    const [a, b] = await Promise.all([loadTransformed(bytesA, paramsA, this.channelsA), loadTransformed(bytesB, paramsB, this.channelsB)]);
    return {
      pathA: item.pathA,
      pathB: item.pathB,
      a: a.data,
      b: b.data,
      width: a.width,
      height: a.height,
      widthB: b.width,
      heightB: b.height,
    };
  }

  private toBatch(items: LoadedItem[], index: number): LoadedBatch {
    const first = items[0]!;
    for (const it of items) {
      for (const [side, w, h, w0, h0, path] of [
        ['A', it.width, it.height, first.width, first.height, it.pathA],
        ['B', it.widthB, it.heightB, first.widthB, first.heightB, it.pathB],
      ] as const) {
        if (w !== w0 || h !== h0) {
          throw new DatasetError(
            'mixed-sizes',
            `Images in one batch came out at different sizes (${side}: ${path} is ${w}×${h}, ${side === 'A' ? first.pathA : first.pathB} is ${w0}×${h0}). With preprocess '${this.opts.preprocess.preprocess}' each image keeps its own proportions; use batch_size 1, or a preprocess that crops to crop_size (resize_and_crop, crop, scale_width_and_crop).`,
          );
        }
      }
    }
    const stack = (pick: (it: LoadedItem) => Float32Array, w: number, h: number, c: number): tf.Tensor4D => {
      const per = w * h * c;
      const buf = new Float32Array(per * items.length);
      items.forEach((it, i) => buf.set(pick(it), i * per));
      return tf.tensor4d(buf, [items.length, h, w, c]);
    };
    const A = stack((it) => it.a, first.width, first.height, this.channelsA);
    let B: tf.Tensor4D;
    try {
      B = stack((it) => it.b, first.widthB, first.heightB, this.source.kind === 'single' ? this.channelsA : this.channelsB);
    } catch (e) {
      A.dispose();
      throw e;
    }
    return { A, B, pathsA: items.map((it) => it.pathA), pathsB: items.map((it) => it.pathB), index };
  }
}
