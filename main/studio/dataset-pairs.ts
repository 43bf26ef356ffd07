// A two-folder project's images as pairs, matched over the whole index (not page by page), so a
// grid of pairs shows every partner and every image that has none.
import type { DatasetPairPage } from '../api/entities.js';
import type { MethodParams } from '../api/methods.js';
import type { IndexedFile } from '../store/dataset-index.js';
import { requireProject, type StudioContext } from './context.js';
import { stem } from './dataset-health.js';
import { presentDatasetItem } from './projects-service.js';
import { StudioError } from './studio-error.js';

export function listPairs(ctx: StudioContext, input: MethodParams<'datasets.pairs'>): DatasetPairPage {
  const p = requireProject(ctx, input.projectId);
  if (p.layout !== 'paired-folders') {
    throw new StudioError(
      'invalid-input',
      `"${p.name}" is not a project of two matched folders (its layout is ${p.layout}); list its images with datasets.list.`,
      'projectId',
    );
  }
  const byKey = new Map<string, { A: IndexedFile | null; B: IndexedFile | null }>();
  for (const f of ctx.store.datasetIndex.all(p.id)) {
    if (f.role === 'AB') continue;
    const key = stem(f.relPath);
    const entry = byKey.get(key) ?? { A: null, B: null };
    // Two files with one stem on the same side ("cat.jpg", "cat.png"): the first by name pairs.
    if (!entry[f.role]) entry[f.role] = f;
    byKey.set(key, entry);
  }
  const all = [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const matched = all.filter(([, e]) => e.A && e.B).length;
  const chosen =
    input.only === 'matched' ? all.filter(([, e]) => e.A && e.B) : input.only === 'unmatched' ? all.filter(([, e]) => !e.A || !e.B) : all;
  return {
    total: chosen.length,
    matched,
    unmatched: all.length - matched,
    offset: input.offset,
    items: chosen.slice(input.offset, input.offset + input.limit).map(([key, e]) => ({
      key,
      A: e.A ? presentDatasetItem(p.id, e.A) : null,
      B: e.B ? presentDatasetItem(p.id, e.B) : null,
    })),
  };
}
