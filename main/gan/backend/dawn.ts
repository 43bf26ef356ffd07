// Dawn's Node bindings (the `webgpu` package: dawn.node, an N-API addon), loaded on demand and
// without tfjs, so a probe can name the GPU in a few hundred milliseconds.
import { describeAdapter, vulkanDriversPresent, type AdapterInfoLike, type GpuAdapter } from './webgpu-adapter.js';

interface DawnModule {
  create(flags: string[]): GPU;
  globals: object;
}

export type DawnAdapter = { ok: true; gpu: GPU; adapter: GPUAdapter; description: GpuAdapter } | { ok: false; reason: string };

/**
 * The adapter Dawn offers for compute ('high-performance'). `checkDrivers`: on Linux, answer "no
 * Vulkan driver" without loading dawn.node when the Vulkan loader has none to offer (loading it
 * would only print warnings and find nothing).
 */
export async function openDawnAdapter(opts: { checkDrivers: boolean }): Promise<DawnAdapter> {
  if (opts.checkDrivers && process.platform === 'linux' && !vulkanDriversPresent()) {
    return { ok: false, reason: 'no Vulkan driver installed' };
  }
  let dawn: DawnModule;
  try {
    dawn = (await import('webgpu')) as unknown as DawnModule;
  } catch (err) {
    return { ok: false, reason: `dawn.node failed to load: ${firstLine(err)}` };
  }
  installGlobals(dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter found' };
  return { ok: true, gpu, adapter, description: describeAdapter(adapter.info as AdapterInfoLike) };
}

/** GPUBufferUsage, GPUMapMode …: tfjs-backend-webgpu uses them as globals, as in a browser. */
function installGlobals(globals: object): void {
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}
