/**
 * Conv kernel micro-benchmark on the wasm backend: `npx tsx test/bench/kernels.ts`.
 * Prints a table to stderr and one JSON object on the last stdout line. GFLOP/s counts the dense
 * conv work, 2·N·OH·OW·KH·KW·CI·CO, for every direction (forward, backprop-input, backprop-filter).
 * "NoWinograd" turns off the Winograd route (winograd-conv.ts) where it would apply.
 * "stock" runs tfjs-backend-wasm's own kernel where it has one; set TANDEM_WASM_THREADS=1 for a
 * single-threaded baseline.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../main/gan/backend/index.js';
import { hasStockWasmKernel, withStockWasmKernels } from '../../main/gan/backend/kernels/register-wasm-kernels.js';
import { withoutWinograd } from '../../main/gan/backend/kernels/winograd-applicability.js';

interface ConvCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: number;
}

// A conv2dTranspose is the adjoint of the conv it is listed as: its forward pass runs the
// Conv2DBackpropInput kernel and its input gradient runs Conv2D.
const CASES: readonly (ConvCase & { transposed?: boolean })[] = [
  { name: 'conv3x3_128to128_64x64', x: [1, 64, 64, 128], filter: [3, 3, 128, 128], stride: 1, pad: 1 },
  // The ResNet blocks at 128² and 256² crops (reflection-padded input, no conv padding).
  { name: 'conv3x3_256to256_32x32', x: [1, 34, 34, 256], filter: [3, 3, 256, 256], stride: 1, pad: 0 },
  { name: 'conv3x3_256to256_64x64', x: [1, 66, 66, 256], filter: [3, 3, 256, 256], stride: 1, pad: 0 },
  { name: 'conv7x7_64to3_256x256', x: [1, 256, 256, 64], filter: [7, 7, 64, 3], stride: 1, pad: 3 },
  { name: 'convT3x3s2_128to64_64x64', x: [1, 128, 128, 64], filter: [3, 3, 64, 128], stride: 2, pad: 1, transposed: true },
];

type Timed = { gflops: number; ms: number };

function time(flops: number, run: () => tf.Tensor, minMs = 1500, maxReps = 50): Timed {
  for (let i = 0; i < 2; i++) tf.tidy(() => void run().dataSync());
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxReps && (times.length < 3 || performance.now() - start < minMs)) {
    const t0 = performance.now();
    tf.tidy(() => void run().dataSync());
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)]!;
  return { gflops: round(flops / (ms * 1e6)), ms: round(ms) };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

const report = await initBackend('wasm');
console.error(report.line);
const results: Record<string, unknown> = {};
const cpuStart = process.cpuUsage();
const wallStart = performance.now();

for (const c of CASES) {
  const x = tf.randomNormal(c.x) as tf.Tensor4D;
  const w = tf.randomNormal(c.filter) as tf.Tensor4D;
  const y = tf.conv2d(x, w, c.stride, c.pad);
  const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
  const [n, oh, ow] = y.shape;
  const [kh, kw, ci, co] = c.filter;
  const flops = 2 * n * oh * ow * kh * kw * ci * co;

  const forward = () => tf.conv2d(x, w, c.stride, c.pad);
  const backpropInput = () => tf.conv2dTranspose(dy, w, c.x, c.stride, c.pad);
  const backpropFilter = () => tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, c.stride, c.pad), dy)))(w);

  const entry: Record<string, Timed | null> = {};
  entry.conv2d = time(flops, forward);
  entry.conv2dNoWinograd = withoutWinograd(() => time(flops, forward));
  entry.backpropInput = time(flops, backpropInput);
  entry.backpropInputNoWinograd = withoutWinograd(() => time(flops, backpropInput));
  entry.backpropInputStock = hasStockWasmKernel('Conv2DBackpropInput')
    ? withStockWasmKernels(() => time(flops, backpropInput, 1000, 5))
    : null;
  entry.backpropFilter = time(flops, backpropFilter);
  entry.backpropFilterNoWinograd = withoutWinograd(() => time(flops, backpropFilter));
  entry.backpropFilterStock = null; // tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter
  results[c.name] = c.transposed
    ? { note: 'transposed conv: forward=backpropInput kernel, input grad=conv2d kernel, filter grad=backpropFilter', ...entry }
    : entry;
  for (const [k, v] of Object.entries(entry))
    console.error(`${c.name.padEnd(28)} ${k.padEnd(20)} ${v ? `${v.gflops} GFLOP/s (${v.ms} ms)` : 'n/a'}`);
  tf.dispose([x, w, y, dy]);
}

const cpu = process.cpuUsage(cpuStart);
const coresBusy = round((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart));
console.log(JSON.stringify({ backend: report.variant, threads: report.threads, coresBusy, results }));
