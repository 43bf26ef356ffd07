// Pages of a dataset listing (images, or pairs of a two-folder project), fetched on demand for the
// rows on screen and dropped on change.
import type { DatasetItem, FolderRole } from '$api/entities.js';
import type { ApiResult } from '$api/errors.js';
import { pagesFor } from './virtual-grid.js';

export interface DatasetQuery {
  projectId: string;
  role?: FolderRole;
  status?: 'ok' | 'unreadable';
}

export interface PairQuery {
  projectId: string;
  only?: 'all' | 'matched' | 'unmatched';
}

export type Lister<T, Q> = (q: Q & { offset: number; limit: number }) => Promise<ApiResult<{ total: number; items: T[] }>>;

export class DatasetPages<T = DatasetItem, Q = DatasetQuery> {
  readonly pages = new Map<number, T[]>();
  private readonly inflight = new Set<number>();
  total: number | null = null;
  generation = 0;

  constructor(
    readonly query: Q,
    private readonly list: Lister<T, Q>,
    readonly pageSize = 200,
    private readonly onChange: () => void = () => {},
  ) {}

  item(index: number): T | undefined {
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
