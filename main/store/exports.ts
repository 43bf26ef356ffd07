// Batch exports: a checkpoint applied to a folder of images.
import type { ExportJob } from '../api/entities.js';
import { WorkTable, type Columns } from './record-table.js';
import type { Db } from './database.js';

export type ExportRecord = ExportJob;
export type ExportUpdate = Partial<Pick<ExportRecord, 'status' | 'statusReason' | 'done' | 'total' | 'failed' | 'endedAt'>>;

const COLUMNS: Columns<ExportRecord> = {
  id: 'value',
  projectId: 'value',
  runId: 'value',
  checkpointId: 'value',
  inputDir: 'value',
  outputDir: 'value',
  format: 'value',
  tile: 'value',
  direction: 'value',
  status: 'value',
  statusReason: 'value',
  done: 'value',
  total: 'value',
  failed: 'value',
  createdAt: 'value',
  endedAt: 'value',
};

export class ExportsRepo extends WorkTable<ExportRecord, ExportUpdate> {
  constructor(db: Db) {
    super(db, 'exports', COLUMNS);
  }
}
