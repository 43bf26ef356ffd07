// Samples and checkpoints: files the trainer wrote into the run folder, recorded as it reports them.
import type { Checkpoint } from '../api/entities.js';
import type { Db } from './database.js';

export interface SampleRecord {
  runId: string;
  iteration: number;
  /** Path below the run folder ("samples/iter_00000400.png"). */
  file: string;
  createdAt: number;
}

interface CheckpointRow {
  id: number;
  run_id: string;
  file_name: string;
  kind: Checkpoint['kind'];
  epoch: number;
  epoch_iter: number;
  total_iters: number;
  reason: Checkpoint['reason'];
  created_at: number;
}

const checkpointFromRow = (r: CheckpointRow): Checkpoint => ({
  id: r.id,
  runId: r.run_id,
  fileName: r.file_name,
  kind: r.kind,
  epoch: r.epoch,
  epochIter: r.epoch_iter,
  totalIters: r.total_iters,
  reason: r.reason,
  createdAt: r.created_at,
});

export class ArtifactsRepo {
  constructor(private readonly db: Db) {}

  addSample(s: SampleRecord): void {
    this.db.prepare('INSERT OR REPLACE INTO samples (run_id, iteration, file, created_at) VALUES (?, ?, ?, ?)').run(s.runId, s.iteration, s.file, s.createdAt);
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
    const r = this.db.prepare('SELECT * FROM checkpoints WHERE run_id = ? AND file_name = ?').get(runId, fileName) as CheckpointRow | undefined;
    return r ? checkpointFromRow(r) : null;
  }

  checkpoint(id: number): Checkpoint | null {
    const r = this.db.prepare('SELECT * FROM checkpoints WHERE id = ?').get(id) as CheckpointRow | undefined;
    return r ? checkpointFromRow(r) : null;
  }

  checkpoints(runId: string): Checkpoint[] {
    return (this.db.prepare('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY total_iters, id').all(runId) as CheckpointRow[]).map(checkpointFromRow);
  }
}
