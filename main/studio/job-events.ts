// Turns what the job runner reports into stored facts and events: one place decides how a child's
// messages and state changes move a run or an export along.
import { basename, relative, sep } from 'node:path';
import type { ExportStatus, JobState, RunProgress, RunStatus } from '../api/entities.js';
import { runOptionsSchema } from '../api/run-options.js';
import { FINAL_STATES } from '../jobs/job-names.js';
import type { ChildMessage, ImportResultMessage } from '../jobs/protocol.js';
import type { ExportUpdate } from '../store/exports.js';
import { emitExport, emitModelExport, emitRun, presentSample, type StudioContext } from './context.js';
import { subjectFields, subjectKind, type LiveJob } from './live-jobs.js';
import { noteBackend, recordMeasuredSpeed } from './backend-facts.js';

type FinalState = 'finished' | 'failed' | 'interrupted' | 'cancelled';
const isFinal = (state: JobState): state is FinalState => FINAL_STATES.has(state);

/** A job that is over leaves its run or export as it ended; 'stopped' when on request or before it started. */
function endStatus(state: FinalState, stopped: boolean): 'finished' | 'stopped' | 'failed' | 'interrupted' {
  return state === 'cancelled' || (state === 'finished' && stopped) ? 'stopped' : state;
}

function runStatusFor(state: JobState, stopped: boolean): RunStatus {
  return isFinal(state) ? endStatus(state, stopped) : state;
}

/** An export has fewer states than its job: it waits, runs, or has ended. */
function exportStatusFor(state: JobState, stopped: boolean): ExportStatus {
  if (isFinal(state)) return endStatus(state, stopped);
  return state === 'queued' || state === 'starting' ? 'queued' : 'running';
}

/** What an image or model export's record says when its job is in `state`. */
function exportFields(state: JobState, stopped: boolean, why: string | null, now: number): ExportUpdate {
  const status = exportStatusFor(state, stopped);
  const statusReason = status === 'failed' || status === 'interrupted' ? why : null;
  return { status, statusReason, ...(isFinal(state) ? { endedAt: now } : {}) };
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
    const job = ctx.jobs.get(jobId);
    if (!job) return;
    const now = ctx.now();
    const why = reasonFor(state, reason, this.failures.get(jobId));
    const stopped = job.stopRequested || this.stoppedByChild.has(jobId);
    ctx.store.jobs.setState(jobId, state, why, now);
    ctx.hub.emit('job.state', { id: jobId, kind: job.kind, ...subjectFields(job), state, reason: why });
    if (isFinal(state)) {
      ctx.jobs.delete(jobId);
      this.failures.delete(jobId);
      this.stoppedByChild.delete(jobId);
    }
    switch (subjectKind(job.kind)) {
      case 'run':
        this.runState(job, state, why, stopped, now);
        return;
      case 'export':
        ctx.store.exports.update(job.subject, exportFields(state, stopped, why, now));
        emitExport(ctx, job.subject);
        return;
      case 'modelExport':
        ctx.store.modelExports.update(job.subject, exportFields(state, stopped, why, now));
        emitModelExport(ctx, job.subject);
        return;
    }
  }

  private runState(job: LiveJob, state: JobState, why: string | null, stopped: boolean, now: number): void {
    const ctx = this.ctx;
    const runId = job.subject;
    const ended = isFinal(state);
    if (ended) {
      ctx.store.metricsWriter.flushRun(runId);
      ctx.hub.flush(runId);
      recordMeasuredSpeed(ctx, job, runId);
    }
    const run = ctx.store.runs.get(runId);
    if (!run) return;
    let status = runStatusFor(state, stopped);
    // An import either produced its model or did not: there is no half-imported run to resume.
    if (job.kind === 'import' && (status === 'stopped' || status === 'interrupted')) status = 'failed';
    const live = ctx.progress.get(runId);
    const explained = status === 'failed' || status === 'interrupted' || status === 'stopped';
    ctx.store.runs.update(runId, {
      status,
      statusReason: explained ? (why ?? (job.kind === 'import' ? 'The import was stopped.' : null)) : null,
      ...(state === 'running' && run.startedAt === null ? { startedAt: now } : {}),
      ...(ended ? { endedAt: now } : {}),
      ...(live && ended ? { totalIters: Math.max(run.totalIters, live.totalIters), epoch: live.epoch } : {}),
    });
    emitRun(ctx, runId);
  }

  onMessage(jobId: string, m: ChildMessage): void {
    const ctx = this.ctx;
    const job = ctx.jobs.get(jobId);
    if (!job) return;
    const { runId, exportId, modelExportId } = subjectFields(job);
    switch (m.type) {
      case 'hello':
      case 'started':
        // The supervisor's handshake; what the studio shows starts with 'ready'.
        return;
      case 'ready':
        ctx.lastBackendLine = { line: m.backendLine, at: ctx.now() };
        noteBackend(ctx, job, m.backend, m.adapter);
        if (runId) {
          ctx.store.runs.update(runId, { backendUsed: m.backendLine });
          emitRun(ctx, runId);
        }
        return;
      case 'metrics': {
        if (!runId) return;
        const point = { iteration: m.totalIters, epoch: m.epoch, losses: m.losses, lr: m.lr, seconds: m.secondsPerIter };
        const before = ctx.progress.get(runId);
        // Progress messages are throttled by the child; metrics come every iteration, so they
        // keep the counters current in between. The speed and ETA stay those of the last progress
        // message: a metric carries one step's own time, not the speed the ETA is based on.
        const progress: RunProgress = before
          ? { ...before, epoch: m.epoch, totalIters: m.totalIters }
          : {
              epoch: m.epoch,
              lastEpoch: ctx.store.runs.get(runId)?.lastEpoch ?? m.epoch,
              epochIter: 0,
              epochSize: null,
              totalIters: m.totalIters,
              secondsPerIter: null,
              speedBasis: null,
              etaSeconds: null,
            };
        ctx.progress.set(runId, progress);
        ctx.store.metricsWriter.add(runId, point);
        ctx.hub.metric(runId, point, progress);
        return;
      }
      case 'progress':
        if (m.job === 'train' && runId) {
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
          ctx.progress.set(runId, progress);
          ctx.hub.progress(runId, progress);
        } else if (m.job === 'export' && exportId) {
          ctx.store.exports.update(exportId, { done: m.done, total: m.total });
          emitExport(ctx, exportId);
        }
        return;
      case 'sample': {
        if (!runId) return;
        const run = ctx.store.runs.get(runId);
        if (!run) return;
        const file = this.inRunDir(run.runDir, m.file);
        if (!file) return;
        const record = { runId: run.id, iteration: m.totalIters, file, createdAt: ctx.now() };
        ctx.store.artifacts.addSample(record);
        ctx.hub.emit('run.sample', { runId: run.id, sample: presentSample(record, run.projectId) });
        return;
      }
      case 'checkpoint': {
        if (!runId) return;
        const run = ctx.store.runs.get(runId);
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
          if (c.kind === 'latest')
            ctx.store.runs.update(run.id, { lastCheckpoint: fileName, totalIters: m.progress.totalIters, epoch: m.progress.epoch });
          return c;
        });
        if (m.reason === 'stopped') this.stoppedByChild.add(jobId);
        ctx.hub.emit('run.checkpoint', { runId: run.id, checkpoint });
        return;
      }
      case 'log':
        if (runId && m.level !== 'debug') ctx.hub.emit('run.log', { runId: runId, level: m.level, line: m.line, at: ctx.now() });
        return;
      case 'skipped':
        if (runId) ctx.hub.emit('run.log', { runId: runId, level: 'warn', line: `skipped ${m.path}: ${m.reason}`, at: ctx.now() });
        else if (exportId) {
          const e = ctx.store.exports.get(exportId);
          if (e) ctx.store.exports.update(e.id, { failed: e.failed + 1 });
        }
        return;
      case 'paused':
      case 'resumed':
        // The state change that accompanies these carries the news.
        return;
      case 'finished': {
        const r = m.result;
        if ((r.kind === 'train' || r.kind === 'export') && r.stopped) this.stoppedByChild.add(jobId);
        if (r.kind === 'import' && runId) this.recordImport(runId, r);
        if (r.kind === 'model-export' && modelExportId) ctx.store.modelExports.update(modelExportId, { files: r.files });
        if (r.kind === 'export' && exportId) {
          ctx.store.exports.update(exportId, { done: r.translated + r.skippedExisting, total: r.total, failed: r.failed.length });
        }
        return;
      }
      case 'failed':
        this.failures.set(jobId, m.message);
        return;
    }
  }

  /** The import's model becomes the run's one checkpoint, and its architecture the run's options. */
  private recordImport(runId: string, r: ImportResultMessage): void {
    const ctx = this.ctx;
    const run = ctx.store.runs.get(runId);
    if (!run) return;
    const file = this.inRunDir(run.runDir, r.file);
    if (!file) return;
    const arch = {
      netG: r.arch.netG,
      ngf: r.arch.ngf,
      norm: r.arch.norm,
      input_nc: r.arch.inputNc,
      output_nc: r.arch.outputNc,
      no_dropout: !r.arch.useDropout,
    };
    // Channel counts the trainer cannot read (not 1 or 3) keep the defaults; the import info says the truth.
    const options = runOptionsSchema.safeParse({ ...run.options, ...arch });
    ctx.store.transaction(() => {
      ctx.store.artifacts.upsertCheckpoint({
        runId,
        fileName: file,
        kind: 'imported',
        epoch: 1,
        epochIter: 0,
        totalIters: 0,
        reason: 'imported',
        createdAt: ctx.now(),
      });
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
