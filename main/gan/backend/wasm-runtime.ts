import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';

export interface WasmRuntime {
  variant: 'wasm-simd' | 'wasm-simd-threads';
  threads: number;
  /** Why fewer threads run than were wanted; empty when all of them do. */
  threadsNote: string;
}

/** XNNPACK's pool in tfjs-backend-wasm is pre-spawned with 8 workers and capped there. */
const MAX_WASM_THREADS = 8;

// In the packaged app the file is unpacked beside the asar archive (worker threads need a real file).
const besideUs = fileURLToPath(new URL('./wasm-pthread-worker.cjs', import.meta.url));
const unpacked = besideUs.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
const pthreadWorkerPath = unpacked !== besideUs && existsSync(unpacked) ? unpacked : besideUs;

interface NodeWorkerLike {
  unref(): void;
}
interface EmscriptenPThread {
  runningWorkers: NodeWorkerLike[];
  unusedWorkers: NodeWorkerLike[];
}

export function wantedWasmThreads(): number {
  const fromEnv = Number.parseInt(process.env.TANDEM_WASM_THREADS ?? '', 10);
  const wanted = Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : os.availableParallelism();
  return Math.max(1, Math.min(MAX_WASM_THREADS, wanted));
}

/**
 * Starts tfjs-backend-wasm, using its threaded SIMD build when more than one thread is wanted.
 *
 * Stock tfjs never runs the threaded build in Node (WASM_HAS_MULTITHREAD_SUPPORT is hard-wired
 * false there), and forcing it on fails twice: the pthread worker is handed to Node's Worker as a
 * blob: URL, which Node rejects, and the C++ side caps the pool at os.cpus().length / 2 (it
 * assumes hyper-threading), i.e. 1 thread on a 2-core machine, whatever setThreadsCount says.
 * Both are overridden only for the duration of the backend's start-up: URL.createObjectURL hands
 * out our file-based worker, and os.cpus reports twice the cores so the cap equals the real count.
 */
export async function startWasmBackend(threads: number): Promise<WasmRuntime> {
  if (isWasmStarted()) {
    // Already started earlier in this process (its thread pool is fixed for the process's life).
    await setBackendOrThrow();
    return describe(wasmBackend.getThreadsCount(), threads, '');
  }
  if (threads > 1) {
    try {
      return describe(await startWithOverrides(threads), threads, '');
    } catch (err) {
      // A failed start leaves the factory registered, so the same backend can be retried unthreaded.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      await setBackendOrThrow();
      return describe(1, threads, `threaded wasm failed: ${errorText(err)}`);
    }
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await setBackendOrThrow();
  return describe(1, threads, '');
}

function describe(actual: number, wanted: number, failure: string): WasmRuntime {
  let threadsNote = failure;
  if (!threadsNote && actual < wanted) threadsNote = `asked for ${wanted} threads, pool has ${actual}`;
  return { variant: actual > 1 ? 'wasm-simd-threads' : 'wasm-simd', threads: actual, threadsNote };
}

async function startWithOverrides(threads: number): Promise<number> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasmBackend.setThreadsCount(threads);
  const realCpus = os.cpus;
  const realCreateObjectURL = URL.createObjectURL;
  // Patching the module object is visible to the wasm glue's own require('os') (same CJS singleton).
  (os as { cpus: typeof os.cpus }).cpus = () => [...realCpus(), ...realCpus()];
  URL.createObjectURL = (obj: Blob) => (obj.type === 'application/javascript' ? pthreadWorkerPath : realCreateObjectURL(obj));
  try {
    await setBackendOrThrow();
  } finally {
    (os as { cpus: typeof os.cpus }).cpus = realCpus;
    URL.createObjectURL = realCreateObjectURL;
  }
  releaseWorkersFromEventLoop();
  return wasmBackend.getThreadsCount();
}

/**
 * The pool's threads live for the whole process and emscripten ref()s running workers, which would
 * keep Node alive after the program is done. They only ever run work the main thread hands them
 * synchronously, so letting the event loop ignore them is safe.
 */
function releaseWorkersFromEventLoop(): void {
  const backend = tf.findBackend('wasm') as unknown as { wasm?: { PThread?: EmscriptenPThread } } | null;
  const pthread = backend?.wasm?.PThread;
  if (!pthread) return;
  for (const worker of [...pthread.runningWorkers, ...pthread.unusedWorkers]) worker.unref();
}

/** Not tf.findBackend: for a registered but unstarted backend that kicks off its initialisation. */
function isWasmStarted(): boolean {
  const engine = tf.engine() as unknown as { registry: Record<string, unknown> };
  return engine.registry.wasm != null;
}

async function setBackendOrThrow(): Promise<void> {
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('tf.setBackend("wasm") returned false');
  await tf.ready();
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}
