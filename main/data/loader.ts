// Batches for training: the reference's Aligned/Unaligned/Single datasets plus its DataLoader
// (shuffle unless serial_batches, last batch may be short), made reproducible and resumable, and
// tolerant of files that go bad while a run is going. This module validates the options and keeps
// the next batches decoding while the caller trains; the order of items and their files come from
// epoch-sampling.ts, each item's decoding from item-loading.ts, the tensors from batch-stacking.ts.
//
// Reproducibility: every random choice derives from (seed, epoch, position in the epoch), never from
// what happened before. So epoch n has the same order and crops whether it is reached by training
// from the start or by resuming with `startAt`, and a file that fails does not shift the others.
//
// Direction: the loader never swaps A and B. The model's setInput swaps by direction; the loader only
// uses direction to give each folder the channel count the reference gives it (with BtoA the A
// folder becomes the model's output, so it is read with output_nc channels).
import type { tf } from '../gan/tf.js';
import { stackBatch } from './batch-stacking.js';
import { EpochSampler, type PlannedItem } from './epoch-sampling.js';
import { DatasetError, ImageReadError } from './errors.js';
import { loadItem, type LoadedItem } from './item-loading.js';
import type { DatasetLayout } from './layout.js';
import { validatePreprocessOptions, type PreprocessOptions } from './preprocess.js';

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

interface BatchResult {
  items: LoadedItem[];
  skipped: ImageReadError[];
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new DatasetError('bad-options', `${name} must be a whole number ≥ 1; got ${String(v)}`);
  return v;
}

export class DatasetLoader {
  private readonly sampler: EpochSampler;
  private readonly opts: Required<Omit<LoaderOptions, 'max_dataset_size'>>;
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
    this.sampler = new EpochSampler(layout, cap, options.seed, options.serial_batches ?? false);

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
  }

  /** Items per epoch: aligned/paired/single = files or pairs; unaligned = max(|A|, |B|). */
  get size(): number {
    return this.sampler.size;
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
    return this.sampler.epochOrder(epochNumber);
  }

  /** Which files each position of an epoch reads, without reading them. */
  plan(epochNumber: number): PlannedItem[] {
    return this.epochOrder(epochNumber).map((index, position) => this.sampler.planItem(epochNumber, position, index).item);
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

  private async loadBatch(epochNumber: number, order: number[], k: number): Promise<BatchResult> {
    const bs = this.opts.batch_size;
    const positions: number[] = [];
    for (let p = k * bs; p < Math.min(order.length, (k + 1) * bs); p++) positions.push(p);
    const outcomes = await Promise.all(
      positions.map(async (p) => {
        const { item, rng } = this.sampler.planItem(epochNumber, p, order[p]!);
        const started = performance.now();
        try {
          return await loadItem(this.sampler.source.kind, item, rng, this.opts.preprocess, { a: this.channelsA, b: this.channelsB });
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

  private toBatch(items: LoadedItem[], index: number): LoadedBatch {
    const channelsB = this.sampler.source.kind === 'single' ? this.channelsA : this.channelsB;
    const { A, B } = stackBatch(items, this.channelsA, channelsB, this.opts.preprocess.preprocess);
    return { A, B, pathsA: items.map((it) => it.pathA), pathsB: items.map((it) => it.pathB), index };
  }
}
