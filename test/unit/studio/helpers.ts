// Shared by the studio and server tests: a job runner the test drives by hand (the real one runs
// child processes; see test/integration/studio), temp folders and small real images.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobState } from '../../../main/api/entities.js';
import type { ChildMessage, JobSpecInput } from '../../../main/jobs/protocol.js';
import { RunnerListeners, type GpuProbeResult, type JobRunner } from '../../../main/studio/job-runner.js';
import { Studio, type StudioOptions } from '../../../main/studio/studio.js';
import { writeSolid } from '../../helpers/image-files.js';

export class ScriptedJobRunner extends RunnerListeners implements JobRunner {
  readonly available = true;
  readonly jobs = new Map<string, { spec: JobSpecInput; state: JobState }>();
  readonly controls: Array<{ jobId: string; action: 'pause' | 'resume' | 'stop' }> = [];

  enqueue(spec: JobSpecInput): void {
    this.jobs.set(spec.jobId, { spec, state: 'queued' });
  }
  pause(jobId: string): void {
    this.controls.push({ jobId, action: 'pause' });
  }
  resume(jobId: string): void {
    this.controls.push({ jobId, action: 'resume' });
  }
  stop(jobId: string): void {
    this.controls.push({ jobId, action: 'stop' });
  }
  async close(): Promise<void> {}
  /** What shutdownGraceMs answers, by job id (a test sets it). */
  readonly graceMs = new Map<string, number>();
  readonly aborts: string[] = [];
  shutdownGraceMs(jobId: string): number | null {
    return this.graceMs.get(jobId) ?? null;
  }
  abort(cause: string): void {
    this.aborts.push(cause);
  }

  /** GPU probes asked for; each waits until the test answers it with `answerProbe`. */
  readonly probes: Array<(r: GpuProbeResult) => void> = [];
  probeGpu(): Promise<GpuProbeResult> {
    return new Promise((resolve) => this.probes.push(resolve));
  }

  // ── driving it ──
  answerProbe(r: GpuProbeResult): void {
    for (const answer of this.probes.splice(0)) answer(r);
  }
  lastJobId(): string {
    return [...this.jobs.keys()].at(-1)!;
  }
  state(jobId: string, state: JobState, reason: string | null = null): void {
    this.jobs.get(jobId)!.state = state;
    this.emitState(jobId, state, reason);
  }
  send(jobId: string, m: ChildMessage): void {
    this.emitMessage(jobId, m);
  }
  /** A trainer's last message: it stopped on request (after saving) or ran every epoch. */
  trainingFinished(jobId: string, stopped: boolean, totalIters = 0): void {
    const progress = { epoch: 1, epochIter: totalIters, totalIters };
    this.send(jobId, { type: 'finished', result: { kind: 'train', stopped, progress, latestCheckpoint: null } });
  }
  /** What a trainer reports for iterations from+1 … to (one image per iteration). */
  iterations(jobId: string, from: number, to: number, epoch = 1): void {
    for (let i = from + 1; i <= to; i++) {
      this.send(jobId, {
        type: 'metrics',
        totalIters: i,
        epoch,
        losses: { G_GAN: 1 / i, G_L1: 2 / i, D_real: 0.5, D_fake: 0.5 },
        lr: 0.0002,
        secondsPerIter: 0.01,
      });
    }
  }
}

export async function tempDir(prefix = 'tandem-studio-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Small real PNGs: name → colour. */
export async function writeImages(dir: string, names: string[], size = 24): Promise<string[]> {
  return Promise.all(names.map((n, i) => writeSolid(join(dir, n), size, size, [(i * 40) % 256, 100, 200])));
}

/** Fast polling for watcher tests: presence every 100 ms, short debounce and settle times. */
export const FAST_WATCH: StudioOptions['watch'] = { presenceIntervalMs: 100, debounceMs: 50, writeSettleMs: 100 };

export async function openStudio(
  dataDir: string,
  runner: JobRunner = new ScriptedJobRunner(),
  extra: Partial<StudioOptions> = {},
): Promise<Studio> {
  return Studio.open({ dataDir, runner, watch: FAST_WATCH, throttleMs: 50, log: () => {}, ...extra });
}

/** Polls until `probe` returns a value (not undefined/false) or the time runs out. */
export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export function unwrap<T>(r: { ok: true; result: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.result;
}
