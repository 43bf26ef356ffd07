// What the studio learns about compute backends from its job processes: which GPU webgpu would use
// (a probe job; Dawn never loads in the studio's own process) and how fast each backend trained
// here (the latest run on it), which the Train view's estimate scales from.
import { z } from 'zod';
import type { MeasuredSpeed, WebgpuProbe } from '../api/entities.js';
import { BACKEND_NAMES, runOptionsSchema, type BackendName } from '../api/run-options.js';
import type { StudioContext } from './context.js';
import type { LiveJob } from './live-jobs.js';
import type { GpuAdapterInfo, GpuProbeResult } from './job-runner.js';

type ConcreteBackend = Exclude<BackendName, 'auto'>;
const MEASURED_KEY = 'measuredSpeed';

const measuredSchema = z.partialRecord(
  z.enum(BACKEND_NAMES.filter((b): b is ConcreteBackend => b !== 'auto') as [ConcreteBackend, ...ConcreteBackend[]]),
  z.object({ secondsPerIteration: z.number().positive(), options: z.unknown(), at: z.number() }),
);

function found(adapter: GpuAdapterInfo): WebgpuProbe {
  return { state: 'found', adapter: adapter.name, api: adapter.api, software: adapter.software };
}

function fromProbe(r: GpuProbeResult): WebgpuProbe {
  return r.found ? found(r.adapter) : { state: 'none', reason: r.reason };
}

/** The webgpu probe's answer so far, starting the probe the first time it is asked for. */
export function webgpuProbe(ctx: StudioContext): WebgpuProbe | null {
  if (ctx.gpuProbe) return ctx.gpuProbe;
  const probe = ctx.runner.available ? ctx.runner.probeGpu?.bind(ctx.runner) : undefined;
  if (!probe) return null;
  ctx.gpuProbe = { state: 'probing' };
  probe().then(
    (r) => (ctx.gpuProbe = fromProbe(r)),
    (e: unknown) => (ctx.gpuProbe = { state: 'none', reason: e instanceof Error ? e.message : String(e) }),
  );
  return ctx.gpuProbe;
}

/** A job's 'ready': which backend it runs on, and (on webgpu) the GPU it found, which is news. */
export function noteBackend(
  ctx: StudioContext,
  link: LiveJob,
  backend: ConcreteBackend | undefined,
  adapter: GpuAdapterInfo | undefined,
): void {
  if (backend) link.backend = backend;
  if (adapter) ctx.gpuProbe = found(adapter);
}

/**
 * At the end of a training job, its last measured step time becomes its backend's speed here (a
 * speed still estimated from the networks would only feed the estimate back to itself).
 */
export function recordMeasuredSpeed(ctx: StudioContext, link: LiveJob, runId: string): void {
  const live = ctx.progress.get(runId);
  const seconds = live?.speedBasis === 'measured' ? live.secondsPerIter : null;
  const run = ctx.store.runs.get(runId);
  if (link.kind !== 'train' || !link.backend || !run || !seconds || !Number.isFinite(seconds) || seconds <= 0) return;
  const speeds = measuredSpeeds(ctx);
  speeds[link.backend] = { secondsPerIteration: seconds, options: run.options, at: ctx.now() };
  ctx.store.settings.set(MEASURED_KEY, speeds);
}

export function measuredSpeeds(ctx: StudioContext): Partial<Record<ConcreteBackend, MeasuredSpeed>> {
  const stored = measuredSchema.safeParse(ctx.store.settings.get<unknown>(MEASURED_KEY) ?? {});
  if (!stored.success) return {};
  const out: Partial<Record<ConcreteBackend, MeasuredSpeed>> = {};
  type Stored = { secondsPerIteration: number; options: unknown; at: number };
  for (const [backend, m] of Object.entries(stored.data) as Array<[ConcreteBackend, Stored]>) {
    // Options from an older Tandem that no longer parse are dropped, not trusted.
    const options = runOptionsSchema.safeParse(m.options);
    if (options.success) out[backend] = { secondsPerIteration: m.secondsPerIteration, options: options.data, at: m.at };
  }
  return out;
}
