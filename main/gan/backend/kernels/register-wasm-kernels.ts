import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import { type ConvAttrs, asTensor } from './conv-geometry.js';
import { reflectPadGradKernel } from './reflect-pad-grad.js';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type Shape4 = [number, number, number, number];

const backpropFilterKernel: KernelFunc = ({ inputs, attrs }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as ConvAttrs & { filterShape: Shape4 };
  return conv2dBackpropFilter(asTensor<tf.Rank.R4>(x), asTensor<tf.Rank.R4>(dy), a.filterShape, a);
};

const backpropInputKernel: KernelFunc = ({ inputs, attrs }) => {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as ConvAttrs & { inputShape: Shape4 };
  return conv2dBackpropInput(asTensor<tf.Rank.R4>(dy), asTensor<tf.Rank.R4>(filter), a.inputShape, a);
};

/** Kernels Tandem installs on 'wasm': missing in tfjs-backend-wasm 4.22, or much slower there. */
export const TANDEM_WASM_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: backpropFilterKernel },
  { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: backpropInputKernel },
  reflectPadGradKernel,
];

/** The stock kernels ours displaced, remembered on first registration (for benchmarks). */
const stockKernels = new Map<string, tf.KernelConfig>();

/** Installs TANDEM_WASM_KERNELS; safe to call repeatedly. Returns the kernel names now ours. */
export function registerTandemWasmKernels(): string[] {
  for (const config of TANDEM_WASM_KERNELS) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current) {
      if (!stockKernels.has(config.kernelName)) stockKernels.set(config.kernelName, current);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
  return TANDEM_WASM_KERNELS.map((k) => k.kernelName);
}

/**
 * Runs `body` with tfjs-backend-wasm's own kernels back in place of ours where it has them
 * (kernels it lacks stay ours). For before/after measurements only; not re-entrant.
 */
export function withStockWasmKernels<T>(body: () => T): T {
  for (const [name, stock] of stockKernels) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(stock);
  }
  try {
    return body();
  } finally {
    for (const name of stockKernels.keys()) tf.unregisterKernel(name, 'wasm');
    registerTandemWasmKernels();
  }
}

export function hasStockWasmKernel(kernelName: string): boolean {
  return stockKernels.has(kernelName);
}
