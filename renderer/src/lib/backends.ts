// How the studio names compute backends: the Train view's choices (with the GPU a job process
// found for webgpu) and the short form of a trainer's report line.
import type { BackendInfo } from '$api/entities.js';
import type { BackendName } from '$api/run-options.js';

export function backendChoiceLabel(b: BackendName, info: BackendInfo | null): string {
  switch (b) {
    case 'auto':
      return 'auto (best available)';
    case 'gpu':
      return 'gpu (CUDA)';
    case 'webgpu':
      return webgpuLabel(info);
    case 'node':
      return 'node (native CPU)';
    case 'wasm':
      return 'wasm (WebAssembly)';
    case 'cpu':
      return 'cpu (plain JS, slow)';
  }
}

function webgpuLabel(info: BackendInfo | null): string {
  const probe = info?.webgpu;
  if (!probe) return 'webgpu (GPU through WebGPU)';
  if (probe.state === 'probing') return 'webgpu (looking for a GPU…)';
  if (probe.state === 'none') return `webgpu (no GPU: ${probe.reason})`;
  if (probe.software) return `webgpu: ${probe.adapter} (software, slower than wasm)`;
  return `GPU: ${probe.adapter} (WebGPU, ${probe.api})`;
}

/** A choice that cannot run here: a native package that is not installed, or no WebGPU adapter. */
export function backendChoiceDisabled(b: BackendName, info: BackendInfo | null): boolean {
  if (!info) return false;
  if (b === 'gpu') return !info.installed.gpu;
  if (b === 'node') return !info.installed.node;
  if (b === 'webgpu') return info.webgpu?.state === 'none';
  return false;
}

/** "backend: webgpu (Apple M2 Pro, metal) — tfjs-node-gpu not installed" → "webgpu (Apple M2 Pro, metal)". */
export function backendShort(line: string): string {
  return line
    .replace(/^backend:\s*/, '')
    .split(/ — |;/)[0]!
    .trim();
}
