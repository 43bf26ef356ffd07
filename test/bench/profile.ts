/**
 * Per-kernel profile of training steps on the wasm backend: `npx tsx test/bench/profile.ts [CASE]`
 * (a train case of cases.ts, default cyclegan_resnet9_128; PROFILE_STEPS, default 2, after one
 * warm-up). Every kernel registered for the active backend is wrapped with a timer; time is
 * exclusive (a Tandem kernel that runs stock kernels inside is charged only its own JS work).
 * Prints a table to stderr and one JSON object on the last stdout line.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../main/gan/backend/index.js';
import { createModel } from '../../main/gan/models/create-model.js';
import { resolveOptions } from '../../main/gan/models/options.js';
import { withoutWinograd } from '../../main/gan/backend/kernels/winograd-applicability.js';
import { TRAIN_CASES } from './cases.js';

const name = process.argv[2] ?? 'cyclegan_resnet9_128';
const steps = Number(process.env.PROFILE_STEPS ?? 2);
const c = TRAIN_CASES[name];
if (!c) throw new Error(`unknown train case '${name}'`);

const report = await initBackend();
console.error(report.line);

interface Stat {
  calls: number;
  ms: number;
}
const stats = new Map<string, Stat>();
const stack: number[] = [];
let recording = false;

function keyOf(kernelName: string, inputs: tf.NamedTensorInfoMap): string {
  const shapes = Object.values(inputs)
    .filter((t): t is tf.TensorInfo => t != null && typeof t === 'object' && 'shape' in t)
    .map((t) => t.shape.join('x'))
    .join(',');
  return process.env.PROFILE_SHAPES ? `${kernelName} ${shapes}` : kernelName;
}

for (const config of tf.getKernelsForBackend(tf.getBackend())) {
  const inner = config.kernelFunc;
  const wrapped: tf.KernelFunc = (args) => {
    if (!recording) return inner(args);
    stack.push(0);
    const t0 = performance.now();
    try {
      return inner(args);
    } finally {
      const total = performance.now() - t0;
      const children = stack.pop()!;
      if (stack.length) stack[stack.length - 1]! += total;
      const key = keyOf(config.kernelName, args.inputs);
      const s = stats.get(key) ?? { calls: 0, ms: 0 };
      s.calls++;
      s.ms += total - children;
      stats.set(key, s);
    }
  };
  tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel({ ...config, kernelFunc: wrapped });
}

const options = resolveOptions({ ...c.options, crop_size: c.size });
const model = createModel(options);
const batch = {
  A: tf.randomUniform([1, c.size, c.size, 3], -1, 1, 'float32', 1) as tf.Tensor4D,
  B: tf.randomUniform([1, c.size, c.size, 3], -1, 1, 'float32', 2) as tf.Tensor4D,
};
model.setInput(batch);
await model.optimizeParameters();
if (process.env.PROFILE_AB) {
  // Before/after in one process, steps interleaved, so load from other processes hits both alike.
  // CPU time (all threads) is reported too: it moves much less than wall time on a shared machine.
  const a: number[][] = [];
  const b: number[][] = [];
  // On wasm every kernel of a step runs before its one await (the loss read), so the kernels swapped
  // by withoutWinograd are in place for the whole step.
  const timed = async (run: () => Promise<void>): Promise<number[]> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    const c = process.cpuUsage(c0);
    return [performance.now() - t0, (c.user + c.system) / 1000];
  };
  for (let i = 0; i < steps; i++) {
    a.push(await timed(() => withoutWinograd(() => model.optimizeParameters())));
    b.push(await timed(() => model.optimizeParameters()));
  }
  const show = (xs: number[][]) => xs.map(([w, c]) => `${(w! / 1000).toFixed(2)} (cpu ${(c! / 1000).toFixed(2)})`).join(', ');
  console.error(`without Winograd: ${show(a)} s\nwith Winograd:    ${show(b)} s`);
  const ms = (xs: number[][], k: number) => xs.map((x) => Math.round(x[k]!));
  console.log(
    JSON.stringify({
      case: name,
      without_winograd_ms: ms(a, 0),
      with_winograd_ms: ms(b, 0),
      without_winograd_cpu_ms: ms(a, 1),
      with_winograd_cpu_ms: ms(b, 1),
    }),
  );
  model.dispose();
  process.exit(0);
}
recording = true;
const times: number[] = [];
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  await model.optimizeParameters();
  times.push(performance.now() - t0);
}
recording = false;
const wall = times.reduce((a, b) => a + b, 0);
const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
const inKernels = rows.reduce((a, [, s]) => a + s.ms, 0);
const fmt = (v: number) => (v / steps).toFixed(1).padStart(9);
for (const [k, s] of rows.slice(0, Number(process.env.PROFILE_TOP ?? 40))) {
  console.error(
    `${k.padEnd(60)} ${fmt(s.ms)} ms ${((100 * s.ms) / wall).toFixed(1).padStart(5)}%  ${(s.calls / steps).toFixed(0).padStart(6)} calls`,
  );
}
console.error(
  `step ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s; kernels ${(inKernels / steps).toFixed(0)} ms/step, outside kernels (JS, tape, etc.) ${((wall - inKernels) / steps).toFixed(0)} ms/step`,
);
console.log(
  JSON.stringify({
    case: name,
    steps_ms: times.map(Math.round),
    outside_kernels_ms: Math.round((wall - inKernels) / steps),
    kernels: Object.fromEntries(rows.map(([k, s]) => [k, { ms: Math.round(s.ms / steps), calls: s.calls / steps }])),
  }),
);
model.dispose();
