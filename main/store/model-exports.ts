// Model exports: a generator written as ONNX or a TF.js graph model, for use outside Tandem.
import type { ExportStatus, ModelExport, ModelFormat } from '../api/entities.js';
import type { Db } from './database.js';

interface Row {
  id: string;
  project_id: string;
  run_id: string;
  checkpoint_id: number;
  format: ModelFormat;
  direction: 'AtoB' | 'BtoA';
  output_path: string;
  status: ExportStatus;
  status_reason: string | null;
  files_json: string;
  created_at: number;
  ended_at: number | null;
}

const fromRow = (r: Row): ModelExport => ({
  id: r.id,
  projectId: r.project_id,
  runId: r.run_id,
  checkpointId: r.checkpoint_id,
  format: r.format,
  direction: r.direction,
  outputPath: r.output_path,
  status: r.status,
  statusReason: r.status_reason,
  files: JSON.parse(r.files_json) as string[],
  createdAt: r.created_at,
  endedAt: r.ended_at,
});

export type ModelExportUpdate = Partial<Pick<ModelExport, 'status' | 'statusReason' | 'files' | 'endedAt'>>;

export class ModelExportsRepo {
  constructor(private readonly db: Db) {}

  insert(e: ModelExport): void {
    this.db
      .prepare(
        `INSERT INTO model_exports (id, project_id, run_id, checkpoint_id, format, direction, output_path, status, status_reason, files_json, created_at, ended_at)
         VALUES (@id, @projectId, @runId, @checkpointId, @format, @direction, @outputPath, @status, @statusReason, @filesJson, @createdAt, @endedAt)`,
      )
      .run({ ...e, filesJson: JSON.stringify(e.files) });
  }

  get(id: string): ModelExport | null {
    const r = this.db.prepare('SELECT * FROM model_exports WHERE id = ?').get(id) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  listByProject(projectId: string): ModelExport[] {
    return (this.db.prepare('SELECT * FROM model_exports WHERE project_id = ? ORDER BY created_at, id').all(projectId) as Row[]).map(fromRow);
  }

  listByStatus(statuses: readonly ExportStatus[]): ModelExport[] {
    if (statuses.length === 0) return [];
    const marks = statuses.map(() => '?').join(', ');
    return (this.db.prepare(`SELECT * FROM model_exports WHERE status IN (${marks})`).all(...statuses) as Row[]).map(fromRow);
  }

  update(id: string, u: ModelExportUpdate): void {
    const columns: Record<string, unknown> = {
      status: u.status,
      status_reason: u.statusReason,
      files_json: u.files === undefined ? undefined : JSON.stringify(u.files),
      ended_at: u.endedAt,
    };
    const present = Object.entries(columns).filter(([, v]) => v !== undefined);
    const sets = present.map(([k]) => `${k} = @${k}`);
    const values = Object.fromEntries([...present, ['id', id]]);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE model_exports SET ${sets.join(', ')} WHERE id = @id`).run(values);
  }
}
