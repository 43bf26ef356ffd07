// Keeps a project's dataset index in step with its folders: a full reconcile (scan, compare size
// and mtime, read only what changed) when a folder is first seen or comes back, and targeted
// updates for the paths a watcher reports.
import { stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { FolderRole } from '../api/entities.js';
import { mapWithConcurrency } from '../data/concurrency.js';
import { isImagePath, scanImageFolder } from '../data/scan.js';
import type { IndexedFile } from '../store/dataset-index.js';
import type { Store } from '../store/store.js';
import { readImageFacts } from './image-facts.js';

export interface IndexChange {
  added: number;
  changed: number;
  removed: number;
}

/** Path below the folder with '/' separators, or null when `file` is not inside `dir`. */
export function relPathIn(dir: string, file: string): string | null {
  const rel = relative(dir, file);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || /^[A-Za-z]:/.test(rel)) return null;
  return sep === '\\' ? rel.split(sep).join('/') : rel;
}

/** Hidden and temporary names never count as data (the same rule as main/data's scan). */
export function isIndexableName(relPath: string): boolean {
  return (
    relPath.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.tmp') && !part.endsWith('.partial')) &&
    isImagePath(relPath)
  );
}

const CONCURRENCY = 4;

export class DatasetIndexer {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** Brings the index of one folder in line with the disk. Throws if the folder cannot be listed. */
  async reconcile(projectId: string, role: FolderRole, dir: string): Promise<IndexChange> {
    const scan = await scanImageFolder(dir);
    const known = this.store.datasetIndex.stamps(projectId, role);
    const seen = new Set<string>();
    const toRead: Array<{ rel: string; abs: string; isNew: boolean }> = [];
    await mapWithConcurrency(scan.images, 16, async (abs) => {
      const rel = relPathIn(scan.dir, abs);
      if (rel === null || !isIndexableName(rel)) return;
      seen.add(rel);
      const stamp = known.get(rel);
      if (!stamp) return void toRead.push({ rel, abs, isNew: true });
      const info = await stat(abs).catch(() => null);
      if (!info || info.size !== stamp.size || info.mtimeMs !== stamp.mtimeMs) toRead.push({ rel, abs, isNew: false });
    });
    const upserts: IndexedFile[] = [];
    let added = 0;
    let changed = 0;
    await mapWithConcurrency(toRead, CONCURRENCY, async (f) => {
      const facts = await readImageFacts(f.abs);
      if (!facts) return;
      upserts.push({ role, relPath: f.rel, ...facts, indexedAt: this.now() });
      if (f.isNew) added++;
      else changed++;
    });
    const removals = [...known.keys()].filter((rel) => !seen.has(rel)).map((relPath) => ({ role, relPath }));
    if (upserts.length || removals.length) this.store.datasetIndex.apply(projectId, upserts, removals);
    return { added, changed, removed: removals.length };
  }

  /** Re-reads the given files (added, changed or removed on disk). */
  async update(projectId: string, role: FolderRole, dir: string, files: readonly string[]): Promise<IndexChange> {
    const upserts: IndexedFile[] = [];
    const removals: Array<{ role: FolderRole; relPath: string }> = [];
    let added = 0;
    let changed = 0;
    await mapWithConcurrency([...new Set(files)], CONCURRENCY, async (abs) => {
      const rel = relPathIn(dir, abs);
      if (rel === null || !isIndexableName(rel)) return;
      const before = this.store.datasetIndex.get(projectId, role, rel);
      const facts = await readImageFacts(abs);
      if (!facts) {
        if (before) removals.push({ role, relPath: rel });
        return;
      }
      if (before && before.size === facts.size && before.mtimeMs === facts.mtimeMs && before.contentHash === facts.contentHash) return;
      upserts.push({ role, relPath: rel, ...facts, indexedAt: this.now() });
      if (before) changed++;
      else added++;
    });
    if (upserts.length || removals.length) this.store.datasetIndex.apply(projectId, upserts, removals);
    return { added, changed, removed: removals.length };
  }
}
