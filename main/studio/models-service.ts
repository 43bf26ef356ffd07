// Models in and out: PyTorch .pth files imported as a run of the project (a run that was never
// trained here), and generators exported as ONNX or TF.js for use outside Tandem. The work itself
// happens in a job process: the studio process never parses a pickle or loads tfjs.
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ModelExport, Run } from '../api/entities.js';
import type { MethodParams } from '../api/methods.js';
import { runOptionsSchema, runScheduleSchema } from '../api/run-options.js';
import { newId } from '../store/ids.js';
import type { RunRecord } from '../store/runs.js';
import { emitRun, presentRun, requireProject, type StudioContext } from './context.js';
import { exportSource, getExportRecord, listExportRecords, MODEL_EXPORTS, startExportJob } from './export-records.js';
import { launchJob, requireRunner } from './live-jobs.js';
import { getSettings } from './settings-service.js';
import { StudioError } from './studio-error.js';

/** The file an import writes into its run folder. */
export const IMPORTED_MODEL_FILE = 'model.tandem';

async function requireFile(file: string, field: string): Promise<void> {
  const s = await stat(file).catch(() => null);
  if (!s) throw new StudioError('not-found', `${file} does not exist.`, field);
  if (!s.isFile()) throw new StudioError('invalid-input', `${file} is not a file.`, field);
}

export async function importModel(ctx: StudioContext, input: MethodParams<'models.import'>): Promise<Run> {
  const p = requireProject(ctx, input.projectId);
  requireRunner(ctx, 'Importing');
  const file = resolve(input.file);
  const pairWith = input.pairWith ? resolve(input.pairWith) : null;
  await requireFile(file, 'file');
  if (pairWith) {
    await requireFile(pairWith, 'pairWith');
    if (pairWith === file)
      throw new StudioError('invalid-input', 'A CycleGAN pair is two files (G_A and G_B); the same file was given twice.', 'pairWith');
  }
  // A pair is a CycleGAN whatever the project; one generator is labelled with the project's model.
  const model = pairWith ? 'cyclegan' : p.kind === 'paired' ? 'pix2pix' : 'cyclegan';
  const name = input.name ?? defaultImportName(file);
  const id = newId('r');
  const runDir = ctx.dataDir.run(p.id, id);
  await mkdir(runDir, { recursive: true });
  const settings = getSettings(ctx);
  const record: RunRecord = {
    id,
    projectId: p.id,
    name,
    model,
    origin: 'imported',
    imported: null,
    startedFrom: null,
    // Replaced by the architecture the import finds; until then the defaults stand in.
    options: runOptionsSchema.parse({ model, name }),
    schedule: runScheduleSchema.parse(settings.schedule),
    backend: settings.backend,
    backendUsed: null,
    status: 'queued',
    statusReason: null,
    runDir,
    totalIters: 0,
    epoch: 1,
    lastEpoch: 1,
    lastCheckpoint: null,
    createdAt: ctx.now(),
    startedAt: null,
    endedAt: null,
  };
  ctx.store.runs.insert(record);
  const overrides = {
    ...(input.netG ? { netG: input.netG } : {}),
    ...(input.norm ? { norm: input.norm } : {}),
    ...(input.ngf ? { ngf: input.ngf } : {}),
  };
  launchJob(ctx, {
    subject: id,
    spec: { kind: 'import', file, ...(pairWith ? { pairWith } : {}), out: join(runDir, IMPORTED_MODEL_FILE), overrides },
    backend: settings.backend,
    what: 'import',
    onRefused: (why) => ctx.store.runs.update(id, { status: 'failed', statusReason: why, endedAt: ctx.now() }),
  });
  emitRun(ctx, id);
  return presentRun(ctx, ctx.store.runs.get(id)!);
}

/**
 * The reference saves every run's weights as latest_net_G.pth (or <epoch>_net_G_A.pth …) in a
 * folder named after the run (checkpoints/horse2zebra_pretrained/), so that folder names the model.
 */
export function defaultImportName(file: string): string {
  const stem = basename(file).replace(/\.(pth|pt)$/i, '');
  if (!/^(latest|\d+)_net_G(_A|_B)?$/.test(stem)) return stem;
  const folder = basename(dirname(file)).replace(/_pretrained$/, '');
  return folder && folder !== '.' ? folder : stem;
}

function defaultStem(run: RunRecord, direction: 'AtoB' | 'BtoA', id: string): string {
  const safe = run.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `${safe}${run.model === 'cyclegan' ? `-${direction}` : ''}-${id.slice(2, 8)}`;
}

export async function exportModel(ctx: StudioContext, input: MethodParams<'models.export'>): Promise<ModelExport> {
  const {
    run,
    checkpoint,
    file: model,
  } = exportSource(
    ctx,
    input.runId,
    input.checkpointId,
    (name) => `"${name}" has no saved model yet; train it longer (or stop it, which saves one) and export then.`,
  );
  // Only a CycleGAN pair has a B→A generator.
  const oneWay = run.model !== 'cyclegan' || run.imported?.generators === 1;
  if (oneWay && input.direction === 'BtoA') {
    throw new StudioError('invalid-input', `"${run.name}" has one generator, which translates A→B only.`, 'direction');
  }
  const id = newId('x');
  const outputPath = input.outputPath
    ? resolve(input.outputPath)
    : ctx.dataDir.modelExport(run.projectId, defaultStem(run, input.direction, id), input.format);
  if (input.format === 'onnx' && !/\.onnx$/i.test(outputPath))
    throw new StudioError('invalid-input', 'An ONNX model is one file; give a name ending in .onnx.', 'outputPath');
  if (existsSync(outputPath))
    throw new StudioError('conflict', `${outputPath} already exists; choose another name (an export never overwrites).`, 'outputPath');
  const parent = await stat(dirname(outputPath)).catch(() => null);
  if (parent && !parent.isDirectory())
    throw new StudioError('invalid-input', `${dirname(outputPath)} is a file, not a folder.`, 'outputPath');
  await mkdir(dirname(outputPath), { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new StudioError(
      'forbidden-path',
      `Cannot create ${dirname(outputPath)} (${e.code ?? e.message}); choose a folder you can write to.`,
      'outputPath',
    );
  });
  const record: ModelExport = {
    id,
    projectId: run.projectId,
    runId: run.id,
    checkpointId: checkpoint.id,
    format: input.format,
    direction: input.direction,
    outputPath,
    status: 'queued',
    statusReason: null,
    files: [],
    createdAt: ctx.now(),
    endedAt: null,
  };
  const spec = { kind: 'model-export' as const, model, direction: input.direction, format: input.format, out: outputPath };
  return startExportJob(ctx, MODEL_EXPORTS, record, spec, 'model export');
}

export function listModelExports(ctx: StudioContext, projectId: string): ModelExport[] {
  return listExportRecords(ctx, MODEL_EXPORTS, projectId);
}

export function getModelExport(ctx: StudioContext, modelExportId: string): ModelExport {
  return getExportRecord(ctx, MODEL_EXPORTS, modelExportId);
}
