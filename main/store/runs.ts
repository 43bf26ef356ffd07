// Runs: the full resolved options (what the checkpoints carry too), where the run stands, and why
// it is in the state it is in.
import type { Run } from '../api/entities.js';
import { WorkTable, type Columns } from './record-table.js';
import type { Db } from './database.js';

/** A run as stored: the API's Run without live progress (that lives in memory only). */
export type RunRecord = Omit<Run, 'progress'>;

export type RunUpdate = Partial<
  Pick<
    RunRecord,
    'status' | 'statusReason' | 'backendUsed' | 'totalIters' | 'epoch' | 'lastCheckpoint' | 'startedAt' | 'endedAt' | 'options' | 'imported'
  >
>;

const COLUMNS: Columns<RunRecord> = {
  id: 'value',
  projectId: 'value',
  name: 'value',
  model: 'value',
  origin: 'value',
  imported: 'json',
  startedFrom: 'json',
  options: 'json',
  schedule: 'json',
  backend: 'value',
  backendUsed: 'value',
  status: 'value',
  statusReason: 'value',
  runDir: 'value',
  totalIters: 'value',
  epoch: 'value',
  lastEpoch: 'value',
  lastCheckpoint: 'value',
  createdAt: 'value',
  startedAt: 'value',
  endedAt: 'value',
};

/** delete() cascades to the run's metrics, samples, checkpoints, exports, model exports and jobs. */
export class RunsRepo extends WorkTable<RunRecord, RunUpdate> {
  constructor(db: Db) {
    super(db, 'runs', COLUMNS);
  }
}
