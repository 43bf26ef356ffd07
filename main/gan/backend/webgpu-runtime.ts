// tfjs-backend-webgpu on Dawn's Node bindings (the `webgpu` package, an N-API addon). Both are
// loaded here lazily, only when webgpu is considered, so processes that never train (the studio's
// main process) and machines without a GPU never load dawn.node.
import * as tf from '@tensorflow/tfjs-core';
import { GpuOutOfMemoryError, GpuWorkError } from './gpu-errors.js';
import { firstLine, openDawnAdapter } from './dawn.js';
import type { GpuAdapter } from './webgpu-adapter.js';

export interface WebgpuRuntime {
  adapter: GpuAdapter;
  /** The largest buffer a program can bind (maxBufferSize and maxStorageBufferBindingSize): no tensor can be larger. */
  maxTensorBytes: number;
}

export type WebgpuStart = { ok: true; runtime: WebgpuRuntime } | { ok: false; reason: string };

type BackendConstructor = new (device: GPUDevice, adapterInfo?: unknown) => tf.KernelBackend;

interface Started extends WebgpuRuntime {
  device: GPUDevice;
}

let started: Started | null = null;
/** Why the device was lost, once it is (a GPU reset, a driver crash): the backend cannot be used again. */
let lostReason: string | null = null;

/**
 * Starts tfjs's 'webgpu' backend on the best adapter Dawn offers ('high-performance'). A software
 * adapter (SwiftShader, lavapipe, WARP) is refused unless `allowSoftware`: it is slower than wasm.
 * Without `allowSoftware` on Linux, a machine with no Vulkan driver is refused before dawn.node
 * is loaded.
 */
export async function startWebgpuBackend(opts: { allowSoftware: boolean }): Promise<WebgpuStart> {
  if (started) {
    if (lostReason) return { ok: false, reason: `the GPU device was lost (${lostReason})` };
    if (started.adapter.software && !opts.allowSoftware) return softwareRefusal(started.adapter);
    if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: 'tf.setBackend("webgpu") returned false' };
    return { ok: true, runtime: publicPart(started) };
  }
  const opened = await openDawnAdapter({ checkDrivers: !opts.allowSoftware });
  if (!opened.ok) return { ok: false, reason: opened.reason };
  const { gpu, adapter, description } = opened;
  if (description.software && !opts.allowSoftware) return softwareRefusal(description);

  const device = await requestDevice(adapter);
  void device.lost.then((info) => {
    lostReason = info.message || info.reason || 'unknown reason';
  });
  // tfjs-backend-webgpu registers its backend factory at import only where navigator.gpu exists.
  setNavigatorGpu(gpu);
  const mod = (await import('@tensorflow/tfjs-backend-webgpu')) as unknown as { WebGPUBackend: BackendConstructor };
  // Its own factory would pick an adapter again; ours hands over the one chosen above.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new mod.WebGPUBackend(device, adapter.info));
  if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: 'tf.setBackend("webgpu") returned false' };
  const probe = tf.tidy(() => tf.matMul(tf.ones([8, 8]), tf.ones([8, 8])));
  const value = (await probe.data().finally(() => probe.dispose()))[0];
  if (value !== 8) return { ok: false, reason: `a test matMul gave ${value} instead of 8` };
  const maxTensorBytes = Math.min(device.limits.maxBufferSize, device.limits.maxStorageBufferBindingSize);
  started = { adapter: description, maxTensorBytes, device };
  return { ok: true, runtime: publicPart(started) };
}

/** The running webgpu runtime, if this process started one. */
export function webgpuRuntime(): WebgpuRuntime | null {
  return started ? publicPart(started) : null;
}

/**
 * Runs `body` (a training step, a sample grid) inside WebGPU error scopes: a failed allocation or
 * a rejected program does not throw in JavaScript, it only makes later results garbage. Throws
 * GpuOutOfMemoryError or GpuWorkError for what went wrong; off webgpu it just runs `body`.
 */
export async function guardGpuWork<T>(body: () => Promise<T>): Promise<T> {
  const device = started?.device;
  if (!device || tf.getBackend() !== 'webgpu') return body();
  device.pushErrorScope('internal');
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  let result: { value: T } | { error: unknown };
  try {
    result = { value: await body() };
  } catch (error) {
    result = { error };
  }
  const oom = await device.popErrorScope();
  const invalid = await device.popErrorScope();
  const internal = await device.popErrorScope();
  if (oom) {
    const held = (tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU ?? 0;
    throw new GpuOutOfMemoryError(`the GPU (${started!.adapter.name}) ran out of memory: ${firstLine(oom.message)}`, held);
  }
  const rejected = invalid ?? internal;
  if (rejected) throw new GpuWorkError(`the GPU (${started!.adapter.name}) rejected Tandem's work: ${firstLine(rejected.message)}`);
  if ('error' in result) throw result.error;
  return result.value;
}

function publicPart(s: Started): WebgpuRuntime {
  return { adapter: s.adapter, maxTensorBytes: s.maxTensorBytes };
}

function softwareRefusal(adapter: GpuAdapter): WebgpuStart {
  return { ok: false, reason: `only a software adapter (${adapter.name}), slower than wasm; used only when asked for` };
}

/** The limits tfjs-backend-webgpu asks for in a browser: as large as the adapter allows. */
async function requestDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const l = adapter.limits;
  return adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  });
}

/**
 * Node 20 has no navigator; a bare one carrying only `gpu` keeps tfjs's browser checks (userAgent
 * sniffing) reading as "not a browser". Node 21+'s own navigator gets the property added.
 */
function setNavigatorGpu(gpu: GPU): void {
  const g = globalThis as { navigator?: object };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
}
