// Pages of a dataset listing, fetched on demand for the rows on screen and dropped on change.
import type { DatasetItem, DatasetPage, FolderRole } from '../../../../main/api/entities.js';
import type { ApiResult } from '../../../../main/api/errors.js';
import { fileUrl } from '../../../../main/api/urls.js';
import { pagesFor } from './virtual-grid.js';
import { stem } from '../util/format.js';

export interface DatasetQuery {
  projectId: string;
  role?: FolderRole;
  status?: 'ok' | 'unreadable';
}

export type Lister = (q: DatasetQuery & { offset: number; limit: number }) => Promise<ApiResult<DatasetPage>>;

export interface PairCell {
  a: DatasetItem;
  /** The B file with the same name (stem), when the listing shows one. */
  b: DatasetItem | null;
  /** Where B would be by name when it was not in the same page. */
  bGuessUrl: string;
}

export class DatasetPages {
  readonly pages = new Map<number, DatasetItem[]>();
  private readonly inflight = new Set<number>();
  total: number | null = null;
  generation = 0;

  constructor(
    readonly query: DatasetQuery,
    private readonly list: Lister,
    readonly pageSize = 200,
    private readonly onChange: () => void = () => {},
  ) {}

  item(index: number): DatasetItem | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Fetch the pages covering [first, last) not yet loaded. */
  ensure(first: number, last: number): void {
    const end = this.total === null ? Math.max(last, first + 1) : Math.min(last, this.total);
    for (const p of pagesFor(first, end, this.pageSize)) {
      if (this.pages.has(p) || this.inflight.has(p)) continue;
      this.inflight.add(p);
      const gen = this.generation;
      void this.list({ ...this.query, offset: p * this.pageSize, limit: this.pageSize }).then((r) => {
        if (gen !== this.generation) return;
        this.inflight.delete(p);
        if (!r.ok) return;
        this.pages.set(p, r.result.items);
        this.total = r.result.total;
        this.onChange();
      });
    }
  }

  /** Forget everything (the folder changed); the next ensure() refetches. */
  invalidate(): void {
    this.generation++;
    this.pages.clear();
    this.inflight.clear();
  }
}

/** Joins A items with B items by file stem (within what is loaded), for paired-folder projects. */
export function pairCells(projectId: string, aItems: readonly (DatasetItem | undefined)[], bItems: readonly (DatasetItem | undefined)[]): Array<PairCell | undefined> {
  const byStem = new Map<string, DatasetItem>();
  for (const b of bItems) if (b) byStem.set(stem(b.relPath), b);
  return aItems.map((a) => (a ? { a, b: byStem.get(stem(a.relPath)) ?? null, bGuessUrl: fileUrl(projectId, 'B', a.relPath) } : undefined));
}
