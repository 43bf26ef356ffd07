// What an image export and a model export share, from request to record: the record is written
// and its job launched (a refusal marks the record failed), then records are listed and fetched.
import type { ExportJob, ExportStatus, ModelExport } from '../api/entities.js';
import type { WorkTable } from '../store/record-table.js';
import type { RunRecord } from '../store/runs.js';
import { chooseCheckpoint, type ChosenCheckpoint } from './checkpoint-choice.js';
import { emitExport, emitModelExport, requireProject, requireRun, type StudioContext } from './context.js';
import { launchJob, requireRunner, type JobRequest } from './live-jobs.js';
import { getSettings } from './settings-service.js';
import { notFound } from './studio-error.js';

interface ExportRecordBase {
  id: string;
  projectId: string;
  status: ExportStatus;
  statusReason: string | null;
  endedAt: number | null;
}
export type ExportStateUpdate = Partial<Pick<ExportRecordBase, 'status' | 'statusReason' | 'endedAt'>>;

export interface ExportKind<R extends ExportRecordBase> {
  /** For messages: "export", "model export". */
  noun: string;
  table(ctx: StudioContext): Pick<WorkTable<R>, 'insert' | 'get' | 'listByProject'> & {
    update(id: string, fields: ExportStateUpdate): unknown;
  };
  /** Tells the views the record changed. */
  emit(ctx: StudioContext, id: string): void;
}

export const IMAGE_EXPORTS: ExportKind<ExportJob> = { noun: 'export', table: (ctx) => ctx.store.exports, emit: emitExport };
export const MODEL_EXPORTS: ExportKind<ModelExport> = {
  noun: 'model export',
  table: (ctx) => ctx.store.modelExports,
  emit: emitModelExport,
};

/** The run and saved model an export starts from; `none(runName)` says what to do when it has saved none. */
export function exportSource(
  ctx: StudioContext,
  runId: string,
  checkpointId: number | undefined,
  none: (runName: string) => string,
): ChosenCheckpoint & { run: RunRecord } {
  const run = requireRun(ctx, runId);
  requireRunner(ctx, 'Exporting');
  return { run, ...chooseCheckpoint(ctx, run, checkpointId, none(run.name)) };
}

/** Records a new export and launches its job; `what` names the job in a refusal ("exporter"). */
export function startExportJob<R extends ExportRecordBase>(
  ctx: StudioContext,
  kind: ExportKind<R>,
  record: R,
  spec: JobRequest,
  what: string,
): R {
  const table = kind.table(ctx);
  table.insert(record);
  launchJob(ctx, {
    subject: record.id,
    spec,
    backend: getSettings(ctx).backend,
    what,
    onRefused: (why) => table.update(record.id, { status: 'failed', statusReason: why, endedAt: ctx.now() }),
  });
  kind.emit(ctx, record.id);
  return table.get(record.id)!;
}

export function listExportRecords<R extends ExportRecordBase>(ctx: StudioContext, kind: ExportKind<R>, projectId: string): R[] {
  requireProject(ctx, projectId);
  return kind.table(ctx).listByProject(projectId);
}

export function getExportRecord<R extends ExportRecordBase>(ctx: StudioContext, kind: ExportKind<R>, id: string): R {
  const e = kind.table(ctx).get(id);
  if (!e) throw notFound(kind.noun, id);
  return e;
}
