import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendReport } from '../../../main/gan/backend/index.js';
import { createModel } from '../../../main/gan/models/create-model.js';
import type { ModelOptionsInput } from '../../../main/gan/models/options.js';
import { Rng } from '../../../main/gan/util/rng.js';
import { maxRelDiff } from '../../helpers/max-rel-diff.js';
import { NETWORK_OPS, opAndGradOn } from '../../helpers/network-ops.js';
import { swiftShaderEnv, swiftShaderSkipReason, useSwiftShaderBackend } from '../../helpers/webgpu-backend.js';

const skip = swiftShaderSkipReason();

/**
 * Tolerance against the cpu backend, relative to the largest value: 1e-5. Measured on SwiftShader,
 * the ops below differ from cpu by at most 3e-7 relative (float32 sums in another order: tiled
 * matmuls and workgroup tree reductions against cpu's sequential loops), the convolutions over a
 * few hundred terms by ~4e-7. A wrong or missing term (a dropped border, a shifted tap) shows as ≥ 1e-2.
 */
const REL_TOL = 1e-5;

function normalValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  new Rng(seed).fillNormal(out, 0, 1);
  return out;
}

/** `compute` on `backend` with inputs made there from plain arrays; values read asynchronously. */
async function valuesOn(backend: string, compute: () => tf.Tensor): Promise<Float32Array> {
  const previous = tf.getBackend();
  tf.setBackend(backend);
  try {
    const t = tf.tidy(compute);
    return (await t.data().finally(() => t.dispose())) as Float32Array;
  } finally {
    tf.setBackend(previous);
  }
}

async function expectWebgpuMatchesCpu(compute: () => tf.Tensor): Promise<void> {
  const before = tf.memory().numTensors;
  const reference = await valuesOn('cpu', compute);
  const actual = await valuesOn('webgpu', compute);
  expect(actual.length).toBe(reference.length);
  expect(maxRelDiff(actual, reference)).toBeLessThan(REL_TOL);
  expect(tf.memory().numTensors).toBe(before);
}

type Shape4 = [number, number, number, number];
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const tensor = (shape: Shape4, seed: number) => tf.tensor4d(normalValues(size(shape), seed), shape);

/**
 * Convolutions as the networks use them, through tfjs-backend-webgpu's own programs: the tiled
 * matmul (Conv2DMM) forward that real GPUs run, and the naive backprop programs. Channel counts
 * that are and are not multiples of 4 take its vec4 and scalar shader variants.
 */
const CONVS: Array<{ name: string; x: Shape4; filter: Shape4; stride: number; pad: number | 'valid' }> = [
  { name: '7×7 stem (ResNet), 3 → 8', x: [1, 22, 22, 3], filter: [7, 7, 3, 8], stride: 1, pad: 'valid' },
  { name: '3×3 stride 2, 8 → 16', x: [2, 12, 12, 8], filter: [3, 3, 8, 16], stride: 2, pad: 1 },
  { name: '3×3 ResNet block, 16 → 16', x: [1, 10, 10, 16], filter: [3, 3, 16, 16], stride: 1, pad: 'valid' },
  { name: '4×4 stride 2 PatchGAN, 6 → 5', x: [2, 16, 16, 6], filter: [4, 4, 6, 5], stride: 2, pad: 1 },
  { name: '4×4 stride 1 PatchGAN, 12 → 1', x: [1, 9, 9, 12], filter: [4, 4, 12, 1], stride: 1, pad: 1 },
];

// SwiftShader is a CPU rasteriser: shader compiles and convolutions take seconds on a busy machine.
describe.skipIf(skip)(`webgpu on SwiftShader${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 300_000 }, () => {
  let auto: BackendReport;
  let asked: BackendReport;
  beforeAll(async () => {
    process.env.TANDEM_WASM_THREADS ??= '1';
    Object.assign(process.env, swiftShaderEnv());
    // Auto first: once a backend runs, auto keeps it.
    auto = await initBackend();
    asked = await useSwiftShaderBackend();
  });

  it('auto never picks a software adapter; asking for webgpu does, naming it', () => {
    expect(auto.name).not.toBe('webgpu');
    expect(auto.tried.find((t) => t.variant === 'webgpu')).toEqual({
      variant: 'webgpu',
      ok: false,
      reason: 'only a software adapter (SwiftShader driver 5.0.0), slower than wasm; used only when asked for',
    });
    expect(asked.line).toBe("backend: webgpu (SwiftShader driver 5.0.0, vulkan, software) — requested via argument 'webgpu'");
    expect(asked.adapter).toMatchObject({ name: 'SwiftShader driver 5.0.0', api: 'vulkan', software: true });
    expect(tf.getBackend()).toBe('webgpu');
  });

  for (const [name, op] of Object.entries(NETWORK_OPS)) {
    it(`${name}: forward and input gradient match cpu`, async () => {
      const reference = await opAndGradOn('cpu', op);
      const actual = await opAndGradOn('webgpu', op);
      expect(maxRelDiff(actual.y, reference.y)).toBeLessThan(REL_TOL);
      expect(maxRelDiff(actual.dx, reference.dx)).toBeLessThan(REL_TOL);
    });
  }

  for (const c of CONVS) {
    it(`conv ${c.name}: forward, filter and input gradients match cpu`, async () => {
      const p = c.pad === 'valid' ? 0 : c.pad;
      const side = (n: number) => Math.floor((n + 2 * p - c.filter[0]) / c.stride) + 1;
      const yShape: Shape4 = [c.x[0], side(c.x[1]), side(c.x[2]), c.filter[3]];
      const dy = () => tensor(yShape, 3);
      await expectWebgpuMatchesCpu(() => tf.conv2d(tensor(c.x, 1), tensor(c.filter, 2), c.stride, c.pad));
      await expectWebgpuMatchesCpu(() =>
        tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(tensor(c.x, 1), f as tf.Tensor4D, c.stride, c.pad), dy())))(tensor(c.filter, 2)),
      );
      await expectWebgpuMatchesCpu(() =>
        tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(v as tf.Tensor4D, tensor(c.filter, 2), c.stride, c.pad), dy())))(tensor(c.x, 1)),
      );
    });
  }

  it('transposed convs (ResNet k3 and U-Net k4 up-sampling): forward and both gradients match cpu', async () => {
    for (const t of [
      { x: [1, 5, 5, 8] as Shape4, filter: [3, 3, 4, 8] as Shape4 },
      { x: [2, 4, 4, 6] as Shape4, filter: [4, 4, 3, 6] as Shape4 },
    ]) {
      const [n, h, w] = t.x;
      const out: Shape4 = [n, 2 * h, 2 * w, t.filter[2]];
      const up = (x: tf.Tensor, f: tf.Tensor) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, out, 2, 1);
      await expectWebgpuMatchesCpu(() => up(tensor(t.x, 4), tensor(t.filter, 5)));
      await expectWebgpuMatchesCpu(() =>
        tf.grad((x: tf.Tensor) => tf.sum(tf.mul(up(x, tensor(t.filter, 5)), tensor(out, 6))))(tensor(t.x, 4)),
      );
      await expectWebgpuMatchesCpu(() =>
        tf.grad((f: tf.Tensor) => tf.sum(tf.mul(up(tensor(t.x, 4), f), tensor(out, 6))))(tensor(t.filter, 5)),
      );
    }
  });

  it('a wgangp step (the penalty differentiates a gradient) gives the losses and weights it gives on cpu', async () => {
    // Tiny, so the cpu backend runs it in a moment; pix2pix with a pixel discriminator at 16 px.
    const options: ModelOptionsInput = {
      model: 'pix2pix',
      netG: 'resnet_6blocks',
      netD: 'pixel',
      ngf: 2,
      ndf: 2,
      gan_mode: 'wgangp',
      crop_size: 16,
      load_size: 16,
      seed: 4,
    };
    const stepOn = async (backend: string) => {
      tf.setBackend(backend);
      expect(tf.getBackend()).toBe(backend);
      const model = createModel(options);
      try {
        const pair = { A: tensor([1, 16, 16, 3], 7), B: tensor([1, 16, 16, 3], 8) };
        model.setInput(pair);
        tf.dispose([pair.A, pair.B]);
        await model.optimizeParameters();
        // The pixel discriminator's first conv (the reference's net.0): updated by the penalty's gradient.
        const weights = (await model.networks().get('D')!.torchStateDict()).get('net.0.weight')!.data as Float32Array;
        return { losses: model.currentLosses(), weights };
      } finally {
        model.dispose();
        tf.setBackend('webgpu');
      }
    };
    const cpu = await stepOn('cpu');
    const gpu = await stepOn('webgpu');
    for (const [name, value] of Object.entries(cpu.losses))
      expect(Math.abs(gpu.losses[name]! - value), name).toBeLessThan(REL_TOL * Math.max(1, Math.abs(value)));
    expect(maxRelDiff(gpu.weights, cpu.weights)).toBeLessThan(REL_TOL);
  });
});
