// Turns what the job runner reports into stored facts and events: one place decides how a child's
// messages and state changes move a run or an export along.
import { basename, relative, sep } from 'node:path';
import type { ExportStatus, JobState, RunProgress, RunStatus } from '../api/entities.js';
import { runOptionsSchema } from '../api/run-options.js';
import { emitExport, emitModelExport, emitRun, presentSample, type StudioContext } from './context.js';
import { noteBackend, recordMeasuredSpeed } from './backend-facts.js';
import type { ImportOutcome, JobMessage } from './job-runner.js';

const ENDED: readonly JobState[] = ['finished', 'failed', 'interrupted', 'cancelled'];

function runStatusFor(state: JobState, stopRequested: boolean, stoppedByChild: boolean): RunStatus {
  switch (state) {
    case 'finished':
      return stopRequested || stoppedByChild ? 'stopped' : 'finished';
    case 'cancelled':
      return 'stopped';
    default:
      return state;
  }
}

function exportStatusFor(state: JobState, stopRequested: boolean): ExportStatus {
  switch (state) {
    case 'queued':
    case 'starting':
      return 'queued';
    case 'running':
    case 'paused':
    case 'stopping':
      return 'running';
    case 'finished':
      return stopRequested ? 'stopped' : 'finished';
    case 'cancelled':
      return 'stopped';
    default:
      return state;
  }
}

/** The runner's reason, or a plain one: every failed or interrupted run says why. */
function reasonFor(state: JobState, reason: string | null, failure: string | undefined): string | null {
  if (failure) return failure;
  if (reason) return reason;
  if (state === 'interrupted') return 'The trainer process ended unexpectedly; resume continues from the last checkpoint.';
  if (state === 'failed') return 'The job failed without saying why; see the log.';
  if (state === 'cancelled') return 'Stopped before it started.';
  return null;
}

export class JobEvents {
  /** Failure messages arrive before the 'failed' state; keep them to explain the state. */
  private readonly failures = new Map<string, string>();
  private readonly stoppedByChild = new Set<string>();

  constructor(private readonly ctx: StudioContext) {}

  onState(jobId: string, state: JobState, reason: string | null): void {
    const ctx = this.ctx;
    const link = ctx.jobs.get(jobId);
    if (!link) return;
    const now = ctx.now();
    const why = reasonFor(state, reason, this.failures.get(jobId));
    ctx.store.jobs.setState(jobId, state, why, now);
    ctx.hub.emit('job.state', { id: jobId, kind: link.kind, runId: link.runId, exportId: link.exportId, modelExportId: link.modelExportId, state, reason: why });
    const ended = ENDED.includes(state);
    if (link.runId) {
      const runId = link.runId;
      if (ended) {
        ctx.store.metricsWriter.flushRun(runId);
        ctx.hub.flush(runId);
        recordMeasuredSpeed(ctx, link, runId);
      }
      let status = runStatusFor(state, link.stopRequested, this.stoppedByChild.has(jobId));
      const run = ctx.store.runs.get(runId);
      if (!run) return;
      // An import either produced its model or did not: there is no half-imported run to resume.
      if (link.kind === 'import' && (status === 'stopped' || status === 'interrupted')) status = 'failed';
      const live = ctx.progress.get(runId);
      ctx.store.runs.update(runId, {
        status,
        statusReason: status === 'failed' || status === 'interrupted' || status === 'stopped' ? (why ?? (link.kind === 'import' ? 'The import was stopped.' : null)) : null,
        ...(state === 'running' && run.startedAt === null ? { startedAt: now } : {}),
        ...(ended ? { endedAt: now } : {}),
        ...(live && ended ? { totalIters: Math.max(run.totalIters, live.totalIters), epoch: live.epoch } : {}),
      });
      if (ended) ctx.runJobs.delete(runId);
      emitRun(ctx, runId);
    } else if (link.exportId) {
      const status = exportStatusFor(state, link.stopRequested || this.stoppedByChild.has(jobId));
      ctx.store.exports.update(link.exportId, {
        status,
        statusReason: status === 'failed' || status === 'interrupted' ? why : null,
        ...(ended ? { endedAt: now } : {}),
      });
      if (ended) ctx.exportJobs.delete(link.exportId);
      emitExport(ctx, link.exportId);
    } else if (link.modelExportId) {
      const status = exportStatusFor(state, link.stopRequested);
      ctx.store.modelExports.update(link.modelExportId, {
        status,
        statusReason: status === 'failed' || status === 'interrupted' ? why : null,
        ...(ended ? { endedAt: now } : {}),
      });
      if (ended) ctx.modelExportJobs.delete(link.modelExportId);
      emitModelExport(ctx, link.modelExportId);
    }
    if (ended) {
      ctx.jobs.delete(jobId);
      this.failures.delete(jobId);
      this.stoppedByChild.delete(jobId);
    }
  }

  onMessage(jobId: string, m: JobMessage): void {
    const ctx = this.ctx;
    const link = ctx.jobs.get(jobId);
    if (!link) return;
    switch (m.type) {
      case 'ready':
        ctx.lastBackendLine = { line: m.backend, at: ctx.now() };
        noteBackend(ctx, link, m.backendName, m.adapter);
        if (link.runId) {
          ctx.store.runs.update(link.runId, { backendUsed: m.backend });
          emitRun(ctx, link.runId);
        }
        return;
      case 'metrics': {
        if (!link.runId) return;
        const point = { iteration: m.totalIters, epoch: m.epoch, losses: m.losses, lr: m.lr, seconds: m.secondsPerIter };
        const before = ctx.progress.get(link.runId);
        // Progress messages are throttled by the child; metrics come every iteration, so they
        // keep the counters current in between. The speed and ETA stay those of the last progress
        // message: a metric carries one step's own time, not the speed the ETA is based on.
        const progress: RunProgress = before
          ? { ...before, epoch: m.epoch, totalIters: m.totalIters }
          : {
              epoch: m.epoch,
              lastEpoch: ctx.store.runs.get(link.runId)?.lastEpoch ?? m.epoch,
              epochIter: 0,
              epochSize: null,
              totalIters: m.totalIters,
              secondsPerIter: null,
              speedBasis: null,
              etaSeconds: null,
            };
        ctx.progress.set(link.runId, progress);
        ctx.store.metricsWriter.add(link.runId, point);
        ctx.hub.metric(link.runId, point, progress);
        return;
      }
      case 'progress':
        if (m.job === 'train' && link.runId) {
          const progress = {
            epoch: m.epoch,
            lastEpoch: m.lastEpoch,
            epochIter: m.epochIter,
            epochSize: m.epochSize,
            totalIters: m.totalIters,
            secondsPerIter: m.secondsPerIter,
            speedBasis: m.speedBasis,
            etaSeconds: m.etaRunSeconds,
          };
          ctx.progress.set(link.runId, progress);
          ctx.hub.progress(link.runId, progress);
        } else if (m.job === 'export' && link.exportId) {
          ctx.store.exports.update(link.exportId, { done: m.done, total: m.total });
          emitExport(ctx, link.exportId);
        }
        return;
      case 'sample': {
        if (!link.runId) return;
        const run = ctx.store.runs.get(link.runId);
        if (!run) return;
        const file = this.inRunDir(run.runDir, m.file);
        if (!file) return;
        const record = { runId: run.id, iteration: m.totalIters, file, createdAt: ctx.now() };
        ctx.store.artifacts.addSample(record);
        ctx.hub.emit('run.sample', { runId: run.id, sample: presentSample(record, run.projectId) });
        return;
      }
      case 'checkpoint': {
        if (!link.runId) return;
        const run = ctx.store.runs.get(link.runId);
        if (!run || !this.inRunDir(run.runDir, m.file)) return;
        const fileName = basename(m.file);
        // Points up to the checkpoint must be on disk before the checkpoint is recorded: a crash
        // right after must not leave a checkpoint whose chart has a gap.
        ctx.store.metricsWriter.flushRun(run.id);
        const checkpoint = ctx.store.transaction(() => {
          const c = ctx.store.artifacts.upsertCheckpoint({
            runId: run.id,
            fileName,
            kind: fileName === 'latest.tandem' ? 'latest' : 'epoch',
            epoch: m.progress.epoch,
            epochIter: m.progress.epochIter,
            totalIters: m.progress.totalIters,
            reason: m.reason,
            createdAt: ctx.now(),
          });
          if (c.kind === 'latest') ctx.store.runs.update(run.id, { lastCheckpoint: fileName, totalIters: m.progress.totalIters, epoch: m.progress.epoch });
          return c;
        });
        if (m.reason === 'stopped') this.stoppedByChild.add(jobId);
        ctx.hub.emit('run.checkpoint', { runId: run.id, checkpoint });
        return;
      }
      case 'log':
        if (link.runId && m.level !== 'debug') ctx.hub.emit('run.log', { runId: link.runId, level: m.level, line: m.line, at: ctx.now() });
        return;
      case 'skipped':
        if (link.runId) ctx.hub.emit('run.log', { runId: link.runId, level: 'warn', line: `skipped ${m.path}: ${m.reason}`, at: ctx.now() });
        else if (link.exportId) {
          const e = ctx.store.exports.get(link.exportId);
          if (e) ctx.store.exports.update(e.id, { failed: e.failed + 1 });
        }
        return;
      case 'paused':
      case 'resumed':
        // The state change that accompanies these carries the news.
        return;
      case 'finished':
        if (m.stopped) this.stoppedByChild.add(jobId);
        if (m.imported && link.runId) this.recordImport(link.runId, m.imported);
        if (m.modelFiles && link.modelExportId) ctx.store.modelExports.update(link.modelExportId, { files: m.modelFiles });
        if (m.export && link.exportId) {
          ctx.store.exports.update(link.exportId, { done: m.export.translated + m.export.skippedExisting, total: m.export.total, failed: m.export.failed });
        }
        return;
      case 'failed':
        this.failures.set(jobId, m.message);
        return;
    }
  }

  /** The import's model becomes the run's one checkpoint, and its architecture the run's options. */
  private recordImport(runId: string, r: ImportOutcome): void {
    const ctx = this.ctx;
    const run = ctx.store.runs.get(runId);
    if (!run) return;
    const file = this.inRunDir(run.runDir, r.file);
    if (!file) return;
    const arch = { netG: r.arch.netG, ngf: r.arch.ngf, norm: r.arch.norm, input_nc: r.arch.inputNc, output_nc: r.arch.outputNc, no_dropout: !r.arch.useDropout };
    // Channel counts the trainer cannot read (not 1 or 3) keep the defaults; the import info says the truth.
    const options = runOptionsSchema.safeParse({ ...run.options, ...arch });
    ctx.store.transaction(() => {
      ctx.store.artifacts.upsertCheckpoint({ runId, fileName: file, kind: 'imported', epoch: 1, epochIter: 0, totalIters: 0, reason: 'imported', createdAt: ctx.now() });
      ctx.store.runs.update(runId, {
        lastCheckpoint: file,
        imported: {
          files: r.sources,
          format: r.format,
          netG: r.arch.netG,
          ngf: r.arch.ngf,
          norm: r.arch.norm,
          inputNc: r.arch.inputNc,
          outputNc: r.arch.outputNc,
          generators: r.generators,
          params: r.params,
          notes: r.notes,
        },
        ...(options.success ? { options: options.data } : {}),
      });
    });
  }

  /** A path the child reports, as a path below the run folder; null (ignored) when outside it. */
  private inRunDir(runDir: string, file: string): string | null {
    const rel = relative(runDir, file);
    if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) {
      this.ctx.log(`ignored a job's file outside its run folder: ${file}`);
      return null;
    }
    return sep === '\\' ? rel.split(sep).join('/') : rel;
  }
}
