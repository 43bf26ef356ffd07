// The index of a project's images: one row per file with what reading it found. The watcher keeps
// it current; listing and health summaries read only this table, never the disk.
import type { FolderRole } from '../api/entities.js';
import type { Db } from './database.js';

/** What reading one file found. */
export interface ImageFacts {
  size: number;
  mtimeMs: number;
  width: number | null;
  height: number | null;
  contentHash: string | null;
  status: 'ok' | 'unreadable';
  reason: string | null;
}

export interface IndexedFile extends ImageFacts {
  role: FolderRole;
  relPath: string;
  indexedAt: number;
}

interface Row {
  role: FolderRole;
  rel_path: string;
  size: number;
  mtime_ms: number;
  width: number | null;
  height: number | null;
  content_hash: string | null;
  status: 'ok' | 'unreadable';
  reason: string | null;
  indexed_at: number;
}

const fromRow = (r: Row): IndexedFile => ({
  role: r.role,
  relPath: r.rel_path,
  size: r.size,
  mtimeMs: r.mtime_ms,
  width: r.width,
  height: r.height,
  contentHash: r.content_hash,
  status: r.status,
  reason: r.reason,
  indexedAt: r.indexed_at,
});

export interface IndexQuery {
  role?: FolderRole | undefined;
  status?: 'ok' | 'unreadable' | undefined;
  offset: number;
  limit: number;
}

export class DatasetIndexRepo {
  constructor(private readonly db: Db) {}

  /** Applies a batch of upserts and removals in one transaction. */
  apply(projectId: string, upserts: readonly IndexedFile[], removals: ReadonlyArray<{ role: FolderRole; relPath: string }>): void {
    const up = this.db.prepare(
      `INSERT INTO dataset_files (project_id, role, rel_path, size, mtime_ms, width, height, content_hash, status, reason, indexed_at)
       VALUES (@projectId, @role, @relPath, @size, @mtimeMs, @width, @height, @contentHash, @status, @reason, @indexedAt)
       ON CONFLICT (project_id, role, rel_path) DO UPDATE SET
         size = excluded.size, mtime_ms = excluded.mtime_ms, width = excluded.width, height = excluded.height,
         content_hash = excluded.content_hash, status = excluded.status, reason = excluded.reason, indexed_at = excluded.indexed_at`,
    );
    const del = this.db.prepare('DELETE FROM dataset_files WHERE project_id = ? AND role = ? AND rel_path = ?');
    this.db.transaction(() => {
      for (const f of upserts) up.run({ projectId, ...f });
      for (const r of removals) del.run(projectId, r.role, r.relPath);
    })();
  }

  /** (role, relPath) → size and mtime: what reconciling with the disk compares against. */
  stamps(projectId: string, role: FolderRole): Map<string, { size: number; mtimeMs: number }> {
    const rows = this.db
      .prepare('SELECT rel_path, size, mtime_ms FROM dataset_files WHERE project_id = ? AND role = ?')
      .all(projectId, role) as Array<{
      rel_path: string;
      size: number;
      mtime_ms: number;
    }>;
    return new Map(rows.map((r) => [r.rel_path, { size: r.size, mtimeMs: r.mtime_ms }]));
  }

  get(projectId: string, role: FolderRole, relPath: string): IndexedFile | null {
    const r = this.db
      .prepare('SELECT * FROM dataset_files WHERE project_id = ? AND role = ? AND rel_path = ?')
      .get(projectId, role, relPath) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  page(projectId: string, q: IndexQuery): { total: number; items: IndexedFile[] } {
    const where = ['project_id = @projectId'];
    if (q.role) where.push('role = @role');
    if (q.status) where.push('status = @status');
    const params = { projectId, role: q.role ?? null, status: q.status ?? null, limit: q.limit, offset: q.offset };
    const clause = where.join(' AND ');
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM dataset_files WHERE ${clause}`).get(params) as { n: number }).n;
    const items = (
      this.db
        .prepare(`SELECT * FROM dataset_files WHERE ${clause} ORDER BY role, rel_path LIMIT @limit OFFSET @offset`)
        .all(params) as Row[]
    ).map(fromRow);
    return { total, items };
  }

  all(projectId: string): IndexedFile[] {
    return (this.db.prepare('SELECT * FROM dataset_files WHERE project_id = ? ORDER BY role, rel_path').all(projectId) as Row[]).map(
      fromRow,
    );
  }

  counts(projectId: string): { files: number; unreadable: number } {
    const r = this.db
      .prepare(`SELECT COUNT(*) AS files, COALESCE(SUM(status = 'unreadable'), 0) AS unreadable FROM dataset_files WHERE project_id = ?`)
      .get(projectId) as { files: number; unreadable: number };
    return r;
  }
}
