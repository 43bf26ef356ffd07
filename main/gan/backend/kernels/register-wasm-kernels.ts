import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import { type ConvAttrs, asTensor, convGeometry } from './conv-geometry.js';
import { identityKernel } from './identity.js';
import { reflectPadGradKernel } from './reflect-pad-grad.js';
import { spatialReduceKernel } from './spatial-reduce.js';
import { winogradApplies } from './winograd-applicability.js';
import { winogradConv2d } from './winograd-conv.js';
import { winogradFilter } from './winograd-filter-transform.js';

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

/** tfjs-backend-wasm's Conv2D (XNNPACK), which ours hands every conv Winograd does not take. */
let stockConv2D: tf.KernelConfig['kernelFunc'] | null = null;

type Conv2DAttrs = ConvAttrs & { dilations: [number, number] | number };

const conv2dKernel: KernelFunc = (args) => {
  const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const a = args.attrs as unknown as Conv2DAttrs;
  const strides = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
  const dilations = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : (a.dilations ?? [1, 1]);
  const g = a.dataFormat === 'NHWC' ? convGeometry(x.shape as Shape4, filter.shape as Shape4, a) : null;
  if (g && x.dtype === 'float32' && winogradApplies(filter.shape, strides, dilations, g.batch * g.outHeight * g.outWidth, 'forward')) {
    const u = winogradFilter(asTensor<tf.Rank.R4>(filter), false);
    try {
      return winogradConv2d({
        x: asTensor<tf.Rank.R4>(x),
        u,
        outHeight: g.outHeight,
        outWidth: g.outWidth,
        padTop: g.padTop,
        padLeft: g.padLeft,
      });
    } finally {
      tf.dispose(u);
    }
  }
  if (!stockConv2D) throw new Error('tfjs-backend-wasm has no Conv2D kernel to fall back on');
  return stockConv2D(args);
};

/** Kernels Tandem installs on 'wasm': missing in tfjs-backend-wasm 4.22, or much slower there. */
export const TANDEM_WASM_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: 'Conv2D', backendName: 'wasm', kernelFunc: conv2dKernel },
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: backpropFilterKernel },
  { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: backpropInputKernel },
  reflectPadGradKernel,
  spatialReduceKernel('Mean', () => stockKernels.get('Mean')?.kernelFunc ?? null),
  spatialReduceKernel('Sum', () => stockKernels.get('Sum')?.kernelFunc ?? null),
  identityKernel(() => stockKernels.get('Identity')?.kernelFunc ?? null),
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
      if (config.kernelName === 'Conv2D') stockConv2D = stockKernels.get('Conv2D')!.kernelFunc;
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
