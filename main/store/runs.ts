// Runs: the full resolved options (what the checkpoints carry too), where the run stands, and why
// it is in the state it is in.
import type { BackendName, ResolvedRunOptions, RunSchedule } from '../api/run-options.js';
import type { ImportedModelInfo, Run, RunOrigin, RunStatus, RunSummary } from '../api/entities.js';
import type { Db } from './database.js';

/** A run as stored: the API's Run without live progress (that lives in memory only). */
export type RunRecord = Omit<Run, 'progress'>;

interface Row {
  id: string;
  project_id: string;
  name: string;
  model: 'pix2pix' | 'cyclegan';
  origin: RunOrigin;
  imported_json: string | null;
  started_from_json: string | null;
  options_json: string;
  schedule_json: string;
  backend: BackendName;
  backend_used: string | null;
  status: RunStatus;
  status_reason: string | null;
  run_dir: string;
  total_iters: number;
  epoch: number;
  last_epoch: number;
  last_checkpoint: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

const fromRow = (r: Row): RunRecord => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  model: r.model,
  origin: r.origin,
  imported: r.imported_json === null ? null : (JSON.parse(r.imported_json) as ImportedModelInfo),
  startedFrom: r.started_from_json ? (JSON.parse(r.started_from_json) as RunSummary['startedFrom']) : null,
  options: JSON.parse(r.options_json) as ResolvedRunOptions,
  schedule: JSON.parse(r.schedule_json) as RunSchedule,
  backend: r.backend,
  backendUsed: r.backend_used,
  status: r.status,
  statusReason: r.status_reason,
  runDir: r.run_dir,
  totalIters: r.total_iters,
  epoch: r.epoch,
  lastEpoch: r.last_epoch,
  lastCheckpoint: r.last_checkpoint,
  createdAt: r.created_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
});

export type RunUpdate = Partial<
  Pick<RunRecord, 'status' | 'statusReason' | 'backendUsed' | 'totalIters' | 'epoch' | 'lastCheckpoint' | 'startedAt' | 'endedAt' | 'options' | 'imported'>
>;

type ScalarUpdate = Omit<RunUpdate, 'options' | 'imported'>;
const COLUMNS: Record<keyof ScalarUpdate, string> = {
  status: 'status',
  statusReason: 'status_reason',
  backendUsed: 'backend_used',
  totalIters: 'total_iters',
  epoch: 'epoch',
  lastCheckpoint: 'last_checkpoint',
  startedAt: 'started_at',
  endedAt: 'ended_at',
};

export class RunsRepo {
  constructor(private readonly db: Db) {}

  insert(r: RunRecord): void {
    this.db
      .prepare(
        `INSERT INTO runs (id, project_id, name, model, origin, imported_json, started_from_json, options_json, schedule_json, backend, backend_used, status, status_reason,
                           run_dir, total_iters, epoch, last_epoch, last_checkpoint, created_at, started_at, ended_at)
         VALUES (@id, @projectId, @name, @model, @origin, @importedJson, @startedFromJson, @optionsJson, @scheduleJson, @backend, @backendUsed, @status, @statusReason,
                 @runDir, @totalIters, @epoch, @lastEpoch, @lastCheckpoint, @createdAt, @startedAt, @endedAt)`,
      )
      .run({
        ...r,
        importedJson: r.imported === null ? null : JSON.stringify(r.imported),
        startedFromJson: r.startedFrom === null ? null : JSON.stringify(r.startedFrom),
        optionsJson: JSON.stringify(r.options),
        scheduleJson: JSON.stringify(r.schedule),
      });
  }

  get(id: string): RunRecord | null {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  listByProject(projectId: string): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs WHERE project_id = ? ORDER BY created_at, id').all(projectId) as Row[]).map(fromRow);
  }

  listByStatus(statuses: readonly RunStatus[]): RunRecord[] {
    if (statuses.length === 0) return [];
    const marks = statuses.map(() => '?').join(', ');
    return (this.db.prepare(`SELECT * FROM runs WHERE status IN (${marks}) ORDER BY created_at, id`).all(...statuses) as Row[]).map(fromRow);
  }

  update(id: string, u: RunUpdate): void {
    const { options, imported, ...scalars } = u;
    const keys = (Object.keys(scalars) as Array<keyof ScalarUpdate>).filter((k) => scalars[k] !== undefined);
    const sets = keys.map((k) => `${COLUMNS[k]} = @${k}`);
    const values: Record<string, unknown> = { ...scalars, id };
    if (options !== undefined) {
      sets.push('options_json = @optionsJson');
      values.optionsJson = JSON.stringify(options);
    }
    if (imported !== undefined) {
      sets.push('imported_json = @importedJson');
      values.importedJson = imported === null ? null : JSON.stringify(imported);
    }
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(values);
  }

  /** Cascades to the run's metrics, samples, checkpoints, exports, model exports and jobs. */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes === 1;
  }
}
