// Which dataset items an epoch visits, in which order, and which files each reads. Every choice
// derives from (seed, epoch, position in the epoch), never from what was drawn before, so an epoch
// has the same order and pairings whether it is reached from the start or by resuming mid-run.
import { Rng } from '../gan/util/rng.js';
import { DatasetError } from './errors.js';
import type { DatasetLayout } from './layout.js';

/** One dataset item: which files it reads. For aligned files both paths are the A|B file. */
export interface PlannedItem {
  position: number;
  pathA: string;
  pathB: string;
}

export type DatasetSource =
  | { kind: 'aligned'; files: string[] }
  | { kind: 'paired'; pairs: Array<{ a: string; b: string }> }
  | { kind: 'unpaired'; filesA: string[]; filesB: string[] }
  | { kind: 'single'; files: string[] };

export class EpochSampler {
  readonly source: DatasetSource;
  private readonly root: Rng;

  /**
   * @param cap keep only the first N files of each folder (after sorting), as the reference; null = all.
   * @param serial take items in order instead of shuffling, and pair unaligned B by index, not at random.
   */
  constructor(
    layout: DatasetLayout,
    cap: number | null,
    seed: number,
    private readonly serial: boolean,
  ) {
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
    this.root = new Rng(seed);
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

  /** The dataset index visited at each position of an epoch (a permutation unless serial). */
  epochOrder(epochNumber: number): number[] {
    const n = this.size;
    const order = Array.from({ length: n }, (_, i) => i);
    if (this.serial) return order;
    const rng = this.root.fork(`order:${epochNumber}`);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.randint(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  }

  /** The files read at `position` of an epoch (dataset item `index`), and the item's own generator. */
  planItem(epochNumber: number, position: number, index: number): { item: PlannedItem; rng: Rng } {
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
        const bIndex = this.serial ? index % s.filesB.length : rng.randint(0, s.filesB.length - 1);
        pathB = s.filesB[bIndex]!;
        break;
      }
    }
    return { item: { position, pathA, pathB }, rng };
  }
}
