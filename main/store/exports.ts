// Batch exports: a checkpoint applied to a folder of images.
import type { ExportFormat, ExportJob, ExportStatus } from '../api/entities.js';
import type { Db } from './database.js';

export type ExportRecord = ExportJob;

interface Row {
  id: string;
  project_id: string;
  run_id: string;
  checkpoint_id: number;
  input_dir: string;
  output_dir: string;
  format: ExportFormat;
  tile: number;
  direction: 'AtoB' | 'BtoA';
  status: ExportStatus;
  status_reason: string | null;
  done: number;
  total: number | null;
  failed: number;
  created_at: number;
  ended_at: number | null;
}

const fromRow = (r: Row): ExportRecord => ({
  id: r.id,
  projectId: r.project_id,
  runId: r.run_id,
  checkpointId: r.checkpoint_id,
  inputDir: r.input_dir,
  outputDir: r.output_dir,
  format: r.format,
  tile: r.tile,
  direction: r.direction,
  status: r.status,
  statusReason: r.status_reason,
  done: r.done,
  total: r.total,
  failed: r.failed,
  createdAt: r.created_at,
  endedAt: r.ended_at,
});

export type ExportUpdate = Partial<Pick<ExportRecord, 'status' | 'statusReason' | 'done' | 'total' | 'failed' | 'endedAt'>>;
const COLUMNS: Record<keyof ExportUpdate, string> = {
  status: 'status',
  statusReason: 'status_reason',
  done: 'done',
  total: 'total',
  failed: 'failed',
  endedAt: 'ended_at',
};

export class ExportsRepo {
  constructor(private readonly db: Db) {}

  insert(e: ExportRecord): void {
    this.db
      .prepare(
        `INSERT INTO exports (id, project_id, run_id, checkpoint_id, input_dir, output_dir, format, tile, direction, status, status_reason,
                              done, total, failed, created_at, ended_at)
         VALUES (@id, @projectId, @runId, @checkpointId, @inputDir, @outputDir, @format, @tile, @direction, @status, @statusReason,
                 @done, @total, @failed, @createdAt, @endedAt)`,
      )
      .run(e);
  }

  get(id: string): ExportRecord | null {
    const r = this.db.prepare('SELECT * FROM exports WHERE id = ?').get(id) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  listByProject(projectId: string): ExportRecord[] {
    return (this.db.prepare('SELECT * FROM exports WHERE project_id = ? ORDER BY created_at, id').all(projectId) as Row[]).map(fromRow);
  }

  listByStatus(statuses: readonly ExportStatus[]): ExportRecord[] {
    if (statuses.length === 0) return [];
    const marks = statuses.map(() => '?').join(', ');
    return (this.db.prepare(`SELECT * FROM exports WHERE status IN (${marks})`).all(...statuses) as Row[]).map(fromRow);
  }

  update(id: string, u: ExportUpdate): void {
    const keys = (Object.keys(u) as Array<keyof ExportUpdate>).filter((k) => u[k] !== undefined);
    if (keys.length === 0) return;
    this.db.prepare(`UPDATE exports SET ${keys.map((k) => `${COLUMNS[k]} = @${k}`).join(', ')} WHERE id = @id`).run({ ...u, id });
  }
}
