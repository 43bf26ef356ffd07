// Training runs: start one from a project and options, pause, resume (a live job, or a new job
// continuing from the last checkpoint), stop; and what a run produced (metrics, samples,
// checkpoints).
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ACTIVE_RUN_STATUSES,
  type Checkpoint,
  type ProjectKind,
  type Run,
  type RunMetrics,
  type RunSummary,
  type Sample,
} from '../api/entities.js';
import type { MethodParams } from '../api/methods.js';
import {
  MODELS,
  modelLabel,
  modelsFor,
  runOptionsSchema,
  runScheduleSchema,
  type ModelName,
  type ResolvedRunOptions,
  type RunSchedule,
} from '../api/run-options.js';
import { newId } from '../store/ids.js';
import type { LayoutSpec } from '../data/layout.js';
import type { TrainJobSpecInput } from '../jobs/protocol.js';
import type { ProjectRecord } from '../store/projects.js';
import { controlJob, launchJob, requireRunner } from './live-jobs.js';
import { fineTuneSource } from './fine-tune.js';
import type { RunRecord } from '../store/runs.js';
import { emitRun, presentRun, presentRunSummary, presentSample, requireProject, requireRun, type StudioContext } from './context.js';
import { projectHealth } from './projects-service.js';
import { downsampleMetrics } from './downsample.js';
import { isInside } from './paths.js';
import { recordCheckpointLeftBehind, unrecordedCheckpoint } from './left-behind-checkpoint.js';
import { StudioError } from './studio-error.js';
import { getSettings } from './settings-service.js';

/** The model a run of this project trains: the one asked for, else the source's when fine-tuning, else the project's first. */
function chooseModel(
  ctx: StudioContext,
  kind: ProjectKind,
  given: Record<string, unknown>,
  initFrom: { runId: string } | undefined,
): ModelName {
  const models = modelsFor(kind);
  // A source of another kind of project's model is refused by fineTuneSource, which says why.
  const fromSource = initFrom ? requireRun(ctx, initFrom.runId).model : undefined;
  const asked = given.model ?? (fromSource && models.includes(fromSource) ? fromSource : models[0]);
  if (!models.includes(asked as ModelName)) {
    const known = MODELS.some((m) => m.model === asked);
    const what = known ? modelLabel(asked as ModelName) : `'${String(asked)}'`;
    const needs = known
      ? `; ${what} needs a ${kind === 'paired' ? 'project of two unpaired folders' : 'paired project'}`
      : ` (not ${what})`;
    const project = kind === 'paired' ? 'a paired' : 'an unpaired';
    throw new StudioError(
      'invalid-input',
      `This is ${project} project, which trains ${models.map(modelLabel).join(' or ')}${needs}.`,
      'options.model',
    );
  }
  return asked as ModelName;
}

function resolveRunOptions(model: ModelName, given: Record<string, unknown>, name: string): ResolvedRunOptions {
  const parsed = runOptionsSchema.safeParse({ ...given, model, name });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ['options', ...issue.path.map(String)].join('.');
    throw new StudioError('invalid-input', `${field}: ${issue.message}`, field);
  }
  return parsed.data;
}

export async function startRun(ctx: StudioContext, input: MethodParams<'runs.start'>): Promise<Run> {
  const p = requireProject(ctx, input.projectId);
  requireRunner(ctx, 'Training');
  if (p.status === 'folder missing')
    throw new StudioError('folder-missing', `Cannot train: ${p.statusReason ?? 'a data folder is missing'}.`);
  const model = chooseModel(ctx, p.kind, input.options, input.initFrom);
  const runs = ctx.store.runs.listByProject(p.id);
  const name = input.name ?? `Run ${runs.length + 1}`;
  const source = input.initFrom ? fineTuneSource(ctx, p, model, input.initFrom, input.options) : null;
  const options = resolveRunOptions(model, { ...input.options, ...(source?.options ?? {}) }, name);
  const settings = getSettings(ctx);
  const schedule: RunSchedule = runScheduleSchema.parse({ ...settings.schedule, ...input.schedule });
  if (p.status === 'ready') {
    const health = projectHealth(ctx, p.id);
    if (health.usable === 0)
      throw new StudioError('dataset-error', `Nothing to train on: ${health.problems.join(' ') || 'no readable images'}`);
  }

  const id = newId('r');
  const runDir = ctx.dataDir.run(p.id, id);
  await mkdir(join(runDir, 'samples'), { recursive: true });
  await writeFile(join(runDir, 'options.json'), `${JSON.stringify(options, null, 2)}\n`);
  const record: RunRecord = {
    id,
    projectId: p.id,
    name,
    model,
    origin: 'trained',
    imported: null,
    startedFrom: source?.from ?? null,
    options,
    schedule,
    backend: input.backend ?? settings.backend,
    backendUsed: null,
    status: 'queued',
    statusReason: null,
    runDir,
    totalIters: 0,
    epoch: options.epoch_count,
    lastEpoch: options.n_epochs + options.n_epochs_decay, // as the trainer counts: epoch_count shifts the start, not the end
    lastCheckpoint: null,
    createdAt: ctx.now(),
    startedAt: null,
    endedAt: null,
  };
  ctx.store.runs.insert(record);
  launchTraining(ctx, record, false, source ? { file: source.file, generatorsOnly: source.generatorsOnly } : undefined);
  return presentRun(ctx, ctx.store.runs.get(id)!);
}

/** The project's folders as the trainer reads them. */
function trainingData(p: ProjectRecord): LayoutSpec {
  if (p.layout === 'aligned') return { kind: 'aligned', dir: p.folderA };
  return { kind: p.layout, dirA: p.folderA, dirB: p.folderB ?? p.folderA };
}

function launchTraining(ctx: StudioContext, r: RunRecord, resume: boolean, initFrom?: TrainJobSpecInput['initFrom']): void {
  const p = requireProject(ctx, r.projectId);
  ctx.store.runs.update(r.id, { status: 'queued', statusReason: null });
  const { numSamples, ...schedule } = r.schedule;
  const data = trainingData(p);
  launchJob(ctx, {
    subject: r.id,
    spec: { kind: 'train', runDir: r.runDir, options: r.options, data, resume, schedule, numSamples, ...(initFrom && { initFrom }) },
    backend: r.backend,
    what: 'trainer',
    onRefused: (why) => {
      // A refused resume leaves the run as it was; a refused new run has failed.
      const back = { status: r.status, statusReason: r.statusReason };
      ctx.store.runs.update(r.id, resume ? back : { status: 'failed', statusReason: why, endedAt: ctx.now() });
      emitRun(ctx, r.id);
    },
  });
  emitRun(ctx, r.id);
}

function liveJob(ctx: StudioContext, r: RunRecord): string | null {
  return ctx.jobs.of('run', r.id);
}

export function pauseRun(ctx: StudioContext, runId: string): Run {
  const r = requireRun(ctx, runId);
  const job = liveJob(ctx, r);
  if (!job || (r.status !== 'running' && r.status !== 'starting')) {
    throw new StudioError('conflict', `The run "${r.name}" is ${r.status}, so it cannot be paused; only a training run can.`);
  }
  controlJob(ctx, job, 'pause', 'run');
  return presentRun(ctx, r);
}

export function resumeRun(ctx: StudioContext, runId: string): Run {
  const r = requireRun(ctx, runId);
  const job = liveJob(ctx, r);
  if (r.status === 'paused' && job) {
    controlJob(ctx, job, 'resume', 'run');
    return presentRun(ctx, r);
  }
  if (r.origin === 'imported')
    throw new StudioError('conflict', `"${r.name}" is an imported model, not a training run; fine-tune it by starting a new run from it.`);
  if (r.status === 'finished')
    throw new StudioError('conflict', `The run "${r.name}" has finished all its epochs; start a new run to train further.`);
  if (r.status !== 'stopped' && r.status !== 'interrupted' && r.status !== 'failed' && !(r.status === 'paused' && !job)) {
    throw new StudioError(
      'conflict',
      `The run "${r.name}" is ${r.status}; only a paused, stopped, interrupted or failed run can be resumed.`,
    );
  }
  requireRunner(ctx, 'Training');
  const p = requireProject(ctx, r.projectId);
  if (p.status === 'folder missing')
    throw new StudioError('folder-missing', `Cannot resume: ${p.statusReason ?? 'a data folder is missing'}.`);
  // A checkpoint its last trainer saved after the studio went away (it may still have been saving when this studio started).
  const leftBehind = unrecordedCheckpoint(ctx.store, r);
  if (leftBehind) recordCheckpointLeftBehind(ctx.store, r, leftBehind, ctx.now());
  const latest = ctx.store.artifacts.checkpointByFile(r.id, 'latest.tandem');
  if (!latest || !existsSync(join(r.runDir, 'latest.tandem'))) {
    throw new StudioError(
      'conflict',
      `The run "${r.name}" has no checkpoint to resume from (it stopped before saving one); start it again as a new run.`,
    );
  }
  // Iterations after the checkpoint are recomputed: drop their points and samples so the chart
  // and the sample strip continue seamlessly from the checkpoint.
  ctx.store.metricsWriter.flushRun(r.id);
  ctx.store.transaction(() => {
    ctx.store.metrics.deleteAfter(r.id, latest.totalIters);
    ctx.store.artifacts.deleteSamplesAfter(r.id, latest.totalIters);
    ctx.store.runs.update(r.id, { totalIters: latest.totalIters, epoch: latest.epoch, endedAt: null });
  });
  ctx.progress.delete(r.id);
  launchTraining(ctx, ctx.store.runs.get(r.id)!, true);
  return presentRun(ctx, ctx.store.runs.get(r.id)!);
}

export function stopRun(ctx: StudioContext, runId: string): Run {
  const r = requireRun(ctx, runId);
  const job = liveJob(ctx, r);
  if (!job) throw new StudioError('conflict', `The run "${r.name}" is ${r.status}, not training; there is nothing to stop.`);
  controlJob(ctx, job, 'stop', 'run');
  return presentRun(ctx, r);
}

export function listRuns(ctx: StudioContext, projectId: string): RunSummary[] {
  requireProject(ctx, projectId);
  return ctx.store.runs.listByProject(projectId).map((r) => presentRunSummary(ctx, r));
}

export function getRun(ctx: StudioContext, runId: string): Run {
  return presentRun(ctx, requireRun(ctx, runId));
}

export function runMetrics(ctx: StudioContext, input: MethodParams<'runs.metrics'>): RunMetrics {
  const r = requireRun(ctx, input.runId);
  // Points still buffered belong in the answer: a chart must not miss the last 200 ms.
  ctx.store.metricsWriter.flushRun(r.id);
  const all = ctx.store.metrics.list(r.id, input.afterIteration);
  const names = new Set<string>();
  for (const p of all) for (const k of Object.keys(p.losses)) names.add(k);
  return {
    runId: r.id,
    total: all.length,
    lossNames: [...names],
    points: input.maxPoints ? downsampleMetrics(all, input.maxPoints) : all,
  };
}

export function runSamples(ctx: StudioContext, runId: string): Sample[] {
  const r = requireRun(ctx, runId);
  return ctx.store.artifacts.samples(r.id).map((s) => presentSample(s, r.projectId));
}

export function listCheckpoints(ctx: StudioContext, runId: string): Checkpoint[] {
  const r = requireRun(ctx, runId);
  return ctx.store.artifacts.checkpoints(r.id);
}

/**
 * Deletes a run that is not working: its records and its folder in the data folder (checkpoints,
 * samples, an imported model). Folders an export wrote elsewhere are the user's and stay.
 */
export async function deleteRun(ctx: StudioContext, runId: string): Promise<{ runId: string; deletedFiles: boolean }> {
  const r = requireRun(ctx, runId);
  if (ACTIVE_RUN_STATUSES.includes(r.status) || ctx.jobs.of('run', r.id) !== null) {
    throw new StudioError('conflict', `The run "${r.name}" is ${r.status}; stop it before deleting it.`);
  }
  const busy = [...ctx.store.exports.listByProject(r.projectId), ...ctx.store.modelExports.listByProject(r.projectId)].filter(
    (e) => e.runId === r.id && (e.status === 'queued' || e.status === 'running'),
  );
  if (busy.length)
    throw new StudioError('conflict', `An export from "${r.name}" is running; wait for it or stop it before deleting the run.`);
  // A fine-tune reads its starting weights when its job starts: a waiting one may need this run.
  const waiting = ctx.store.runs
    .listByProject(r.projectId)
    .find((x) => x.id !== r.id && (x.status === 'queued' || x.status === 'starting'));
  if (waiting)
    throw new StudioError(
      'conflict',
      `The run "${waiting.name}" is about to start and may start from "${r.name}"; delete it once that run is going.`,
    );
  ctx.store.metricsWriter.flushRun(r.id);
  ctx.store.runs.delete(r.id);
  ctx.progress.delete(r.id);
  const deletedFiles = isInside(ctx.dataDir.root, r.runDir) && resolve(r.runDir) !== resolve(ctx.dataDir.root);
  if (deletedFiles) await rm(r.runDir, { recursive: true, force: true });
  ctx.hub.emit('run.deleted', { runId: r.id, projectId: r.projectId });
  return { runId: r.id, deletedFiles };
}
