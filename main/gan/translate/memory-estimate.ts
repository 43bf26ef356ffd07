import os from 'node:os';
import type { GeneratorArch } from '../networks/define.js';
import { paddedSide, parameterFloats, peakActivationFloats } from './network-limits.js';

/**
 * What a whole-image translation costs in memory, per engine, before it runs. The walk in
 * network-limits.ts gives the floats alive at the forward pass's peak; each engine's factor on it
 * was measured on resnet_9blocks, ngf 64 (peak RSS or wasm heap, 0.26–4.3 MP):
 * - onnxruntime (CPU) with its memory arena (images up to 4 MP): RSS after opening + 2.5–2.7 × the
 *   peak (the arena grows in powers of two; convolutions take working space): 2.8 here.
 * - onnxruntime without the arena (larger images, see onnx-translator.ts): 1.9 × the peak at 4.3 MP:
 *   2.0 here.
 * - tfjs on wasm: heap ≈ 3 × the peak + the weights (XNNPACK's packed filters, heap
 *   fragmentation); the wasm32 heap stops at 4 GiB, of which 3.5 are usable.
 * - tfjs native or on a GPU: as onnxruntime with its arena, against the device's memory where known.
 */
export type MemoryKind = 'native' | 'wasm' | 'gpu';

export interface EngineMemory {
  kind: MemoryKind;
  /** The engine's own ceiling (wasm heap, GPU memory); Infinity where system memory is the limit. */
  capBytes: number;
  /** Images above this many pixels run without onnxruntime's arena (its lower factor applies). */
  arenaMaxPixels?: number;
}

const FACTOR: Record<MemoryKind, number> = { native: 2.8, wasm: 3.2, gpu: 2.8 };
const WITHOUT_ARENA = 2.0;
/** onnxruntime's session, the decoded image and its output, and what the process holds already. */
const BASE_BYTES = 256 * 2 ** 20;
export const WASM_CAP_BYTES = 3.5 * 2 ** 30;

/** Bytes a whole-image pass of a w×h image needs (padded to the network's multiple). */
export function wholeImageBytes(arch: GeneratorArch, memory: EngineMemory, width: number, height: number): number {
  const activations = 4 * peakActivationFloats(arch, paddedSide(arch, height), paddedSide(arch, width));
  const factor = memory.arenaMaxPixels !== undefined && width * height > memory.arenaMaxPixels ? WITHOUT_ARENA : FACTOR[memory.kind];
  return factor * activations + 3 * 4 * parameterFloats(arch) + BASE_BYTES;
}

/**
 * Memory this process may use for translation now: the system's available memory (cgroup limit
 * included), less a quarter kept for the rest of the machine and the image's own buffers.
 */
export function availableBytes(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  const limit =
    constrained > 0 && constrained < Number.MAX_SAFE_INTEGER
      ? Math.min(os.freemem(), constrained - process.memoryUsage().rss)
      : os.freemem();
  return Math.max(0, limit * 0.75);
}

/** The budget for one image on an engine: its own ceiling or what the machine has, whichever is less. */
export function imageBudget(memory: EngineMemory, available = availableBytes()): number {
  return Math.min(memory.capBytes, available);
}

/** The largest size with the image's aspect ratio that a whole pass fits in `budget` (0×0 if none). */
export function largestWholeSize(
  arch: GeneratorArch,
  memory: EngineMemory,
  budget: number,
  width: number,
  height: number,
): { width: number; height: number } {
  let lo = 0;
  let hi = 1;
  const fits = (s: number) =>
    s === 0 || wholeImageBytes(arch, memory, Math.max(1, Math.floor(width * s)), Math.max(1, Math.floor(height * s))) <= budget;
  if (fits(1)) return { width, height };
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return { width: Math.floor(width * lo), height: Math.floor(height * lo) };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GB`;
  return `${Math.round(bytes / 2 ** 20)} MB`;
}
