import type * as tf from '@tensorflow/tfjs-core';
import { allocateTensor, heapView } from './wasm-heap.js';

/**
 * Mean and Sum of an NHWC float32 tensor over its spatial axes [1, 2] (instance norm's moments
 * and its gradient) or over [0, 1, 2] (batch norm, bias gradients), in one JS pass over the wasm
 * heap. tfjs-backend-wasm 4.22 first transposes the reduced axes innermost (a full copy), then
 * reduces: a 1×128×128×64 Mean takes 6.8 ms there and 2.6 ms here (1×256×256×64: 29.5 vs 10.5,
 * 1×64×64×128: 1.9 vs 1.3). With more than 128 channels the stock kernel is the faster one
 * (1×32×32×256: 0.52 vs 0.68 ms), so those stay with it, as do all other reductions. Sums
 * accumulate in float64 per channel and round once.
 */

/** Above this many channels the stock kernel wins (see above). */
const MAX_CHANNELS = 128;
type Reduction = 'Mean' | 'Sum';

interface ReduceAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/** The leading axes a reduction covers (1 → [1, 2], 0 → [0, 1, 2]), or -1 when it is not one of ours. */
function spatialStart(x: tf.TensorInfo, axis: number | number[]): number {
  if (x.dtype !== 'float32' || x.shape.length !== 4 || x.shape[3]! > MAX_CHANNELS) return -1;
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + 4 : a)).sort((a, b) => a - b);
  if (axes.length === 2 && axes[0] === 1 && axes[1] === 2) return 1;
  if (axes.length === 3 && axes[0] === 0 && axes[1] === 1 && axes[2] === 2) return 0;
  return -1;
}

export function reduceSpatial(x: tf.TensorInfo, from: 0 | 1, op: Reduction, keepDims: boolean): tf.Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const groups = from === 1 ? n : 1;
  const count = from === 1 ? h * w : n * h * w;
  const shape = from === 1 ? (keepDims ? [n, 1, 1, c] : [n, c]) : keepDims ? [1, 1, 1, c] : [c];
  const out = allocateTensor(shape);
  const src = heapView(x);
  const dst = heapView(out);
  const acc = new Float64Array(c);
  const scale = op === 'Mean' ? 1 / count : 1;
  for (let g = 0; g < groups; g++) {
    acc.fill(0);
    const end = (g + 1) * count * c;
    for (let i = g * count * c; i < end; i += c) {
      for (let k = 0; k < c; k++) acc[k]! += src[i + k]!;
    }
    for (let k = 0; k < c; k++) dst[g * c + k] = op === 'Mean' ? acc[k]! * scale : acc[k]!;
  }
  return out;
}

/** A Mean or Sum kernel taking the spatial reductions and handing the rest to `stock`. */
export function spatialReduceKernel(op: Reduction, stock: () => tf.KernelConfig['kernelFunc'] | null): tf.KernelConfig {
  return {
    kernelName: op,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = args.attrs as unknown as ReduceAttrs;
      const from = spatialStart(x, axis);
      if (from === 0 || from === 1) return reduceSpatial(x, from, op, keepDims);
      const fallback = stock();
      if (!fallback) throw new Error(`tfjs-backend-wasm has no ${op} kernel to fall back on`);
      return fallback(args);
    },
  };
}
