// Projects: a name, its data folders, its artifact folder and whether the folders are there.
import type { ProjectKind, ProjectLayout, ProjectStatus } from '../api/entities.js';
import type { Db } from './database.js';

export interface ProjectRecord {
  id: string;
  name: string;
  kind: ProjectKind;
  layout: ProjectLayout;
  /** aligned: the side-by-side folder; otherwise the A folder. */
  folderA: string;
  folderB: string | null;
  artifactDir: string;
  status: ProjectStatus;
  statusReason: string | null;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  name: string;
  kind: ProjectKind;
  layout: ProjectLayout;
  folder_a: string;
  folder_b: string | null;
  artifact_dir: string;
  status: ProjectStatus;
  status_reason: string | null;
  created_at: number;
  updated_at: number;
}

const fromRow = (r: Row): ProjectRecord => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  layout: r.layout,
  folderA: r.folder_a,
  folderB: r.folder_b,
  artifactDir: r.artifact_dir,
  status: r.status,
  statusReason: r.status_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class ProjectsRepo {
  constructor(private readonly db: Db) {}

  insert(p: ProjectRecord): void {
    this.db
      .prepare(
        `INSERT INTO projects (id, name, kind, layout, folder_a, folder_b, artifact_dir, status, status_reason, created_at, updated_at)
         VALUES (@id, @name, @kind, @layout, @folderA, @folderB, @artifactDir, @status, @statusReason, @createdAt, @updatedAt)`,
      )
      .run(p);
  }

  get(id: string): ProjectRecord | null {
    const r = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  list(): ProjectRecord[] {
    return (this.db.prepare('SELECT * FROM projects ORDER BY created_at, id').all() as Row[]).map(fromRow);
  }

  rename(id: string, name: string, now: number): boolean {
    return this.db.prepare('UPDATE projects SET name = ?, updated_at = ? WHERE id = ?').run(name, now, id).changes === 1;
  }

  setStatus(id: string, status: ProjectStatus, reason: string | null, now: number): boolean {
    return this.db.prepare('UPDATE projects SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?').run(status, reason, now, id).changes === 1;
  }

  /** Cascades to the index, runs, metrics, samples, checkpoints, exports and jobs of the project. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM projects WHERE id = ?').run(id).changes === 1;
  }
}
