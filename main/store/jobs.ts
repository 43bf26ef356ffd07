// Jobs: the child processes the studio asked for. Kept so a restart can tell which were cut off.
import type { JobInfo, JobKind, JobState } from '../api/entities.js';
import { FINAL_STATES, JOB_STATES } from '../jobs/job-names.js';
import type { Db } from './database.js';

/** Queued or with a process: what a restart finds cut off. */
const NOT_OVER: readonly JobState[] = JOB_STATES.filter((s) => !FINAL_STATES.has(s));

interface Row {
  id: string;
  kind: JobKind;
  run_id: string | null;
  export_id: string | null;
  model_export_id: string | null;
  state: JobState;
  reason: string | null;
}

const fromRow = (r: Row): JobInfo => ({
  id: r.id,
  kind: r.kind,
  runId: r.run_id,
  exportId: r.export_id,
  modelExportId: r.model_export_id,
  state: r.state,
  reason: r.reason,
});
const SELECT = 'SELECT id, kind, run_id, export_id, model_export_id, state, reason FROM jobs';

export class JobsRepo {
  constructor(private readonly db: Db) {}

  insert(j: JobInfo, now: number): void {
    this.db
      .prepare(
        'INSERT INTO jobs (id, kind, run_id, export_id, model_export_id, state, reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(j.id, j.kind, j.runId, j.exportId, j.modelExportId, j.state, j.reason, now, now);
  }

  get(id: string): JobInfo | null {
    const r = this.db.prepare(`${SELECT} WHERE id = ?`).get(id) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  setState(id: string, state: JobState, reason: string | null, now: number): void {
    this.db.prepare('UPDATE jobs SET state = ?, reason = ?, updated_at = ? WHERE id = ?').run(state, reason, now, id);
  }

  live(): JobInfo[] {
    const marks = NOT_OVER.map(() => '?').join(', ');
    return (this.db.prepare(`${SELECT} WHERE state IN (${marks}) ORDER BY created_at`).all(...NOT_OVER) as Row[]).map(fromRow);
  }
}
