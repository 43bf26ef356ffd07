import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BACKEND_CHOICES, type BackendRequest, resolveBackendRequest } from './backend-request.js';
import { ensureGradientsRegistered } from './gradients.js';
import { registerTandemWasmKernels } from './kernels/register-wasm-kernels.js';
import { tryNativeTensorflow } from './native-tensorflow.js';
import { startWasmBackend, wantedWasmThreads } from './wasm-runtime.js';
import type { GpuAdapter } from './webgpu-adapter.js';
import { startWebgpuBackend } from './webgpu-runtime.js';

/** tfjs's own name for the backend that runs (tf.getBackend()); the user's choice is the API's BackendName. */
export type TfjsBackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export type BackendVariant = 'tfjs-node-gpu' | 'webgpu' | 'tfjs-node' | 'wasm-simd' | 'wasm-simd-threads' | 'cpu';

export interface BackendAttempt {
  variant: BackendVariant;
  ok: boolean;
  reason: string;
}

export interface BackendReport {
  name: TfjsBackendName;
  variant: BackendVariant;
  threads: number;
  /** The GPU a webgpu backend runs on. */
  adapter?: GpuAdapter;
  /** One human line: what was chosen and why the better ones were not. */
  line: string;
  tried: BackendAttempt[];
}

export { BACKEND_CHOICES, resolveBackendRequest } from './backend-request.js';
export type { BackendRequest } from './backend-request.js';

type Candidate = Exclude<BackendRequest, 'auto'>;
const PREFERENCE: readonly Candidate[] = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'];

interface Outcome {
  ok: boolean;
  reason: string;
  name?: TfjsBackendName;
  variant?: BackendVariant;
  threads?: number;
  detail?: string;
  adapter?: GpuAdapter;
}

let current: { request: BackendRequest; report: BackendReport } | null = null;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Chooses and starts the tfjs backend, best first (tfjs-node-gpu with a live CUDA device, webgpu
 * on a hardware adapter, tfjs-node, wasm, cpu) unless `request` or TANDEM_BACKEND names one. A
 * software WebGPU adapter runs only when webgpu is named. Registers gradients and, on wasm,
 * Tandem's kernels (tfjs-backend-webgpu needs none: its kernels and their gradients match the cpu
 * backend, see test/unit/backend/webgpu-swiftshader.test.ts). Calls are serialised; repeating a call (or calling with no preference)
 * returns the existing report.
 */
export function initBackend(request?: string): Promise<BackendReport> {
  const run = queue.then(() => initBackendNow(request));
  queue = run.catch(() => undefined);
  return run;
}

export function currentBackendReport(): BackendReport | null {
  return current?.report ?? null;
}

async function initBackendNow(request: string | undefined): Promise<BackendReport> {
  const wanted = resolveBackendRequest(request);
  if (current && (wanted === 'auto' || wanted === current.request || wanted === familyOf(current.report.variant))) {
    return current.report;
  }
  await ensureGradientsRegistered();
  const explicit = wanted !== 'auto';
  const tried: BackendAttempt[] = [];
  for (const candidate of explicit ? [wanted] : PREFERENCE) {
    const outcome = await attempt(candidate, explicit);
    tried.push({ variant: outcome.variant ?? defaultVariant(candidate), ok: outcome.ok, reason: outcome.reason });
    if (outcome.ok) {
      const report: BackendReport = {
        name: outcome.name!,
        variant: outcome.variant!,
        threads: outcome.threads!,
        ...(outcome.adapter ? { adapter: outcome.adapter } : {}),
        line: describeChoice(outcome, tried, explicit ? requestSource(request) : ''),
        tried,
      };
      current = { request: wanted, report };
      return report;
    }
  }
  const why = tried.map((t) => `${t.variant}: ${t.reason}`).join('; ');
  if (explicit) {
    throw new Error(
      `Backend '${request?.trim() || process.env.TANDEM_BACKEND}' is unavailable (${why}). Valid choices: ${BACKEND_CHOICES}.`,
    );
  }
  throw new Error(`No tfjs backend could be started (${why}).`);
}

async function attempt(candidate: Candidate, explicit: boolean): Promise<Outcome> {
  try {
    switch (candidate) {
      case 'tfjs-node-gpu':
      case 'tfjs-node': {
        const native = await tryNativeTensorflow(candidate);
        if (!native.ok) return { ok: false, reason: native.reason };
        const detail = candidate === 'tfjs-node-gpu' ? 'CUDA' : 'native CPU';
        return { ok: true, reason: 'started', name: 'tensorflow', variant: candidate, threads: os.availableParallelism(), detail };
      }
      case 'webgpu': {
        const started = await startWebgpuBackend({ allowSoftware: explicit });
        if (!started.ok) return { ok: false, reason: started.reason };
        const { adapter } = started.runtime;
        const detail = `${adapter.name}, ${adapter.api}${adapter.software ? ', software' : ''}`;
        return { ok: true, reason: 'started', name: 'webgpu', variant: 'webgpu', threads: 1, detail, adapter };
      }
      case 'wasm': {
        const runtime = await startWasmBackend(wantedWasmThreads());
        const kernels = registerTandemWasmKernels();
        const threadWord = runtime.threads === 1 ? 'thread' : 'threads';
        const note = runtime.threadsNote ? `; ${runtime.threadsNote}` : '';
        return {
          ok: true,
          reason: `started with ${kernels.length} Tandem kernels`,
          name: 'wasm',
          variant: runtime.variant,
          threads: runtime.threads,
          detail: `SIMD, ${runtime.threads} ${threadWord}${note}`,
        };
      }
      case 'cpu': {
        if (!(await tf.setBackend('cpu'))) return { ok: false, reason: 'tf.setBackend("cpu") returned false' };
        await tf.ready();
        return { ok: true, reason: 'started', name: 'cpu', variant: 'cpu', threads: 1, detail: 'pure JS, 1 thread' };
      }
    }
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

function describeChoice(chosen: Outcome, tried: BackendAttempt[], source: string): string {
  const head = `backend: ${chosen.name} (${chosen.variant === 'tfjs-node' || chosen.variant === 'tfjs-node-gpu' ? `${chosen.variant}, ` : ''}${chosen.detail})`;
  const passedOver = tried.filter((t) => !t.ok).map((t) => `${t.variant} ${t.reason}`);
  const reasons = source ? [`requested via ${source}`, ...passedOver] : passedOver;
  return reasons.length ? `${head} — ${reasons.join('; ')}` : head;
}

function requestSource(request: string | undefined): string {
  return request?.trim() ? `argument '${request.trim()}'` : `TANDEM_BACKEND=${process.env.TANDEM_BACKEND?.trim()}`;
}

function familyOf(variant: BackendVariant): BackendRequest {
  return variant === 'wasm-simd' || variant === 'wasm-simd-threads' ? 'wasm' : variant;
}

function defaultVariant(candidate: Candidate): BackendVariant {
  return candidate === 'wasm' ? 'wasm-simd' : candidate;
}
