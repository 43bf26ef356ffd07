// Samples and checkpoints: files the trainer wrote into the run folder, recorded as it reports them.
import type { Checkpoint } from '../api/entities.js';
import type { Db } from './database.js';
import { RowCodec } from './record-table.js';

export interface SampleRecord {
  runId: string;
  iteration: number;
  /** Path below the run folder ("samples/iter_00000400.png"). */
  file: string;
  createdAt: number;
}

const checkpointRows = new RowCodec<Checkpoint>({
  id: 'value',
  runId: 'value',
  fileName: 'value',
  kind: 'value',
  epoch: 'value',
  epochIter: 'value',
  totalIters: 'value',
  reason: 'value',
  createdAt: 'value',
});
type Row = Record<string, unknown>;
const checkpointFromRow = (r: Row): Checkpoint => checkpointRows.fromRow(r);

export class ArtifactsRepo {
  constructor(private readonly db: Db) {}

  addSample(s: SampleRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO samples (run_id, iteration, file, created_at) VALUES (?, ?, ?, ?)')
      .run(s.runId, s.iteration, s.file, s.createdAt);
  }

  samples(runId: string): SampleRecord[] {
    return (
      this.db.prepare('SELECT run_id, iteration, file, created_at FROM samples WHERE run_id = ? ORDER BY iteration').all(runId) as Array<{
        run_id: string;
        iteration: number;
        file: string;
        created_at: number;
      }>
    ).map((r) => ({ runId: r.run_id, iteration: r.iteration, file: r.file, createdAt: r.created_at }));
  }

  deleteSamplesAfter(runId: string, iteration: number): number {
    return this.db.prepare('DELETE FROM samples WHERE run_id = ? AND iteration > ?').run(runId, iteration).changes;
  }

  /** latest.tandem is rewritten in place, so its row is updated rather than added. */
  upsertCheckpoint(c: Omit<Checkpoint, 'id'>): Checkpoint {
    this.db
      .prepare(
        `INSERT INTO checkpoints (run_id, file_name, kind, epoch, epoch_iter, total_iters, reason, created_at)
         VALUES (@runId, @fileName, @kind, @epoch, @epochIter, @totalIters, @reason, @createdAt)
         ON CONFLICT (run_id, file_name) DO UPDATE SET epoch = excluded.epoch, epoch_iter = excluded.epoch_iter,
           total_iters = excluded.total_iters, reason = excluded.reason, created_at = excluded.created_at`,
      )
      .run(c);
    return this.checkpointByFile(c.runId, c.fileName)!;
  }

  checkpointByFile(runId: string, fileName: string): Checkpoint | null {
    const r = this.db.prepare('SELECT * FROM checkpoints WHERE run_id = ? AND file_name = ?').get(runId, fileName) as Row | undefined;
    return r ? checkpointFromRow(r) : null;
  }

  checkpoint(id: number): Checkpoint | null {
    const r = this.db.prepare('SELECT * FROM checkpoints WHERE id = ?').get(id) as Row | undefined;
    return r ? checkpointFromRow(r) : null;
  }

  checkpoints(runId: string): Checkpoint[] {
    const rows = this.db.prepare('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY total_iters, id').all(runId) as Row[];
    return rows.map(checkpointFromRow);
  }
}
