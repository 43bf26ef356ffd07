// Batch exports: translate a folder with one of a run's checkpoints.
import { readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ExportJob } from '../api/entities.js';
import type { MethodParams } from '../api/methods.js';
import { newId } from '../store/ids.js';
import { requireProject, type StudioContext } from './context.js';
import { projectFolders } from './dataset-health.js';
import { exportSource, getExportRecord, IMAGE_EXPORTS, listExportRecords, startExportJob } from './export-records.js';
import { controlJob } from './live-jobs.js';
import { isInside } from './paths.js';
import { StudioError } from './studio-error.js';

export async function startExport(ctx: StudioContext, input: MethodParams<'exports.start'>): Promise<ExportJob> {
  const {
    run,
    checkpoint,
    file: checkpointFile,
  } = exportSource(
    ctx,
    input.runId,
    input.checkpointId,
    (name) => `The run "${name}" has not saved a checkpoint yet; train it longer (or stop it, which saves one) and export then.`,
  );
  const project = requireProject(ctx, run.projectId);

  const inputDir = resolve(input.inputDir);
  const info = await stat(inputDir).catch(() => null);
  if (!info?.isDirectory())
    throw new StudioError('folder-missing', `The input folder ${inputDir} does not exist or is not a folder.`, 'inputDir');
  const id = newId('e');
  const outputDir = input.outputDir ? resolve(input.outputDir) : ctx.dataDir.export(project.id, id);
  if (isInside(inputDir, outputDir) || isInside(outputDir, inputDir)) {
    throw new StudioError(
      'forbidden-path',
      `The output folder ${outputDir} overlaps the input folder ${inputDir}; translated images would be read again as input. Choose a separate folder.`,
      'outputDir',
    );
  }
  for (const { dir } of projectFolders(project)) {
    if (isInside(dir, outputDir)) {
      throw new StudioError(
        'forbidden-path',
        `The output folder ${outputDir} lies inside the project's data folder ${dir}; translated images would become training data. Choose another folder.`,
        'outputDir',
      );
    }
  }
  // The exporter refuses a non-empty output folder too, but only once its process is up: say it now.
  const existing = await readdir(outputDir).catch(() => null);
  if (existing && existing.length > 0) {
    throw new StudioError('conflict', `The output folder ${outputDir} already holds files; choose an empty or new folder.`, 'outputDir');
  }
  const record: ExportJob = {
    id,
    projectId: project.id,
    runId: run.id,
    checkpointId: checkpoint.id,
    inputDir,
    outputDir,
    format: input.format,
    tile: input.tile,
    direction: input.direction,
    status: 'queued',
    statusReason: null,
    done: 0,
    total: null,
    failed: 0,
    createdAt: ctx.now(),
    endedAt: null,
  };
  const spec = {
    kind: 'export' as const,
    model: checkpointFile,
    direction: input.direction,
    input: inputDir,
    output: outputDir,
    ...(input.format !== 'keep' ? { format: input.format } : {}),
    ...(input.tile > 0 ? { tile: input.tile } : {}),
  };
  return startExportJob(ctx, IMAGE_EXPORTS, record, spec, 'exporter');
}

export function listExports(ctx: StudioContext, projectId: string): ExportJob[] {
  return listExportRecords(ctx, IMAGE_EXPORTS, projectId);
}

export function getExport(ctx: StudioContext, exportId: string): ExportJob {
  return getExportRecord(ctx, IMAGE_EXPORTS, exportId);
}

/** Stops a running export (translated images stay in its partial folder; starting it again continues). */
export function stopExport(ctx: StudioContext, exportId: string): ExportJob {
  const e = getExport(ctx, exportId);
  const jobId = ctx.jobs.of('export', e.id);
  if (!jobId) throw new StudioError('conflict', `This export is ${e.status}; there is nothing to stop.`);
  controlJob(ctx, jobId, 'stop', 'export');
  return ctx.store.exports.get(e.id)!;
}
