// Model exports: a generator written as ONNX or a TF.js graph model, for use outside Tandem.
import type { ModelExport } from '../api/entities.js';
import { WorkTable, type Columns } from './record-table.js';
import type { Db } from './database.js';

export type ModelExportUpdate = Partial<Pick<ModelExport, 'status' | 'statusReason' | 'files' | 'endedAt'>>;

const COLUMNS: Columns<ModelExport> = {
  id: 'value',
  projectId: 'value',
  runId: 'value',
  checkpointId: 'value',
  format: 'value',
  direction: 'value',
  outputPath: 'value',
  status: 'value',
  statusReason: 'value',
  files: 'json',
  createdAt: 'value',
  endedAt: 'value',
};

export class ModelExportsRepo extends WorkTable<ModelExport, ModelExportUpdate> {
  constructor(db: Db) {
    super(db, 'model_exports', COLUMNS);
  }
}
