import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../helpers/backend.js';
import { expectMatchesCpu, onCpu, relativeError } from '../../helpers/matches-cpu.js';
import { winogradApplies, withoutWinograd } from '../../../main/gan/backend/kernels/winograd-applicability.js';
import { winogradConv2d } from '../../../main/gan/backend/kernels/winograd-conv.js';
import { winogradFilter } from '../../../main/gan/backend/kernels/winograd-filter-transform.js';
import { winogradFilterGradient } from '../../../main/gan/backend/kernels/winograd-filter-grad.js';

type Pass = Parameters<typeof winogradApplies>[4];

type Shape4 = [number, number, number, number];

/** A 3×3 stride-1 conv through winogradConv2d; `flipped` computes the input gradient's conv (dy → dx). */
function viaWinograd(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  pads: [number, number, number, number],
  flipped: boolean,
  budget?: number,
): tf.Tensor4D {
  const [, h, wd] = x.shape;
  const [top, bottom, left, right] = pads;
  const u = winogradFilter(w, flipped);
  try {
    return winogradConv2d({ x, u, outHeight: h + top + bottom - 2, outWidth: wd + left + right - 2, padTop: top, padLeft: left }, budget);
  } finally {
    tf.dispose(u);
  }
}

const DIRECT: { x: Shape4; co: number; pads: [number, number, number, number] }[] = [
  { x: [1, 8, 8, 3], co: 4, pads: [1, 1, 1, 1] },
  // Odd output sizes (a last tile row/column with one pixel), batch > 1, uneven padding.
  { x: [2, 7, 9, 5], co: 6, pads: [1, 1, 1, 1] },
  { x: [2, 9, 6, 4], co: 3, pads: [0, 0, 0, 0] },
  { x: [1, 6, 7, 5], co: 5, pads: [2, 0, 1, 2] },
  { x: [3, 3, 3, 2], co: 7, pads: [2, 2, 2, 2] },
];

describe('Winograd F(2×2, 3×3) convolutions on wasm match the cpu backend', () => {
  beforeAll(useWasmBackend);

  for (const c of DIRECT) {
    const label = `x${c.x.join('x')} → ${c.co} pads ${c.pads.join(',')}`;
    it(`forward conv, ${label}`, async () => {
      const x = tf.randomNormal(c.x) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, c.x[3], c.co]) as tf.Tensor4D;
      const [top, bottom, left, right] = c.pads;
      const reference = onCpu(() =>
        tf.conv2d(x, w, 1, [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ]),
      );
      for (const budget of [undefined, 200]) {
        const before = tf.memory().numTensors;
        const y = viaWinograd(x, w, c.pads, false, budget);
        expect(await relativeError(y, reference)).toBeLessThan(1e-4);
        y.dispose();
        expect(tf.memory().numTensors).toBe(before);
      }
      tf.dispose([x, w]);
    });

    it(`flipped filter (input gradient's conv), ${label}`, async () => {
      // w [3,3,CI,CO] as a forward filter from CI to CO; the flipped transform maps CO channels to CI.
      const dy = tf.randomNormal([...c.x.slice(0, 3), c.co] as Shape4) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, c.x[3], c.co]) as tf.Tensor4D;
      const [top, bottom, left, right] = c.pads;
      const flippedSwapped = () => tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      const reference = onCpu(() =>
        tf.conv2d(dy, flippedSwapped(), 1, [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ]),
      );
      const before = tf.memory().numTensors;
      const dx = viaWinograd(dy, w, c.pads, true);
      expect(await relativeError(dx, reference)).toBeLessThan(1e-4);
      dx.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([dy, w]);
    });
  }

  for (const c of DIRECT) {
    it(`filter gradient, x${c.x.join('x')} → ${c.co} pads ${c.pads.join(',')}`, async () => {
      const x = tf.randomNormal(c.x) as tf.Tensor4D;
      const [top, bottom, left, right] = c.pads;
      const pad: [[0, 0], [number, number], [number, number], [0, 0]] = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      const w = tf.zeros([3, 3, c.x[3], c.co]) as tf.Tensor4D;
      const dy = tf.tidy(() => tf.randomNormal(tf.conv2d(x, w, 1, pad).shape)) as tf.Tensor4D;
      const reference = onCpu(() => tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, 1, pad), dy)))(w));
      // 200 floats: one tile row per chunk, so chunks are summed (and cross image boundaries).
      for (const budget of [undefined, 200]) {
        const before = tf.memory().numTensors;
        const dw = winogradFilterGradient(x, dy, top, left, budget);
        expect(dw.shape).toEqual([3, 3, c.x[3], c.co]);
        expect(await relativeError(dw, reference)).toBeLessThan(1e-4);
        dw.dispose();
        expect(tf.memory().numTensors).toBe(before);
      }
      tf.dispose([x, w, dy]);
    });
  }

  it('takes only 3×3 stride-1 convs with ≥128 channels, and forward ones only on large images', () => {
    // Each case says how it differs from a 3×3, 256-channel, stride-1 forward conv over 64×64 pixels.
    const base = { filter: [3, 3, 256, 256], strides: [1, 1], dilations: [1, 1], pixels: 64 * 64, pass: 'forward' as Pass };
    const applies = (change: Partial<typeof base>) => {
      const c = { ...base, ...change };
      return winogradApplies(c.filter, c.strides, c.dilations, c.pixels, c.pass);
    };
    expect(applies({})).toBe(true);
    expect(applies({ pixels: 32 * 32 })).toBe(false);
    expect(applies({ pixels: 32 * 32, pass: 'input' })).toBe(true);
    expect(applies({ filter: [3, 3, 64, 64], pixels: 128 * 128 })).toBe(false);
    expect(applies({ strides: [2, 2] })).toBe(false);
    expect(applies({ dilations: [2, 2] })).toBe(false);
    expect(applies({ filter: [4, 4, 256, 256] })).toBe(false);
    expect(withoutWinograd(() => applies({}))).toBe(false);
    // Filter gradients from CI·CO·N·OH·OW = 2²⁶ on: 32×32 at 256 channels, 64×64 at 128.
    const filterPass = (change: Partial<typeof base>) => applies({ pass: 'filter', ...change });
    expect(filterPass({ pixels: 32 * 32 })).toBe(true);
    expect(filterPass({ pixels: 24 * 24 })).toBe(false);
    expect(filterPass({ filter: [3, 3, 128, 128] })).toBe(true);
    expect(filterPass({ filter: [3, 3, 128, 128], pixels: 32 * 32 })).toBe(false);
    expect(filterPass({ filter: [3, 3, 64, 64], pixels: 256 * 256 })).toBe(false);
    expect(filterPass({ strides: [2, 2] })).toBe(false);
  });

  it('runs a ResNet-block-sized conv and its gradients through the registered kernels', async () => {
    // 48×48 output pixels ≥ the forward threshold; 128 channels each way; reflection-padded input.
    const x = tf.randomNormal([1, 50, 50, 128]) as tf.Tensor4D;
    const w = tf.mul(tf.randomNormal([3, 3, 128, 128]), 0.05) as tf.Tensor4D;
    const dy = tf.randomNormal([1, 48, 48, 128]) as tf.Tensor4D;
    await expectMatchesCpu(() => tf.conv2d(x, w, 1, 0));
    await expectMatchesCpu(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(v as tf.Tensor4D, w, 1, 0), dy)))(x));
    tf.dispose([x, w, dy]);
  });

  it('runs a ResNet-block filter gradient (32×32, 256 channels, batch 2) through the registered kernel', async () => {
    // Batch 2 at 32×32: the Winograd threshold is met with room to spare, and tile rows span two images.
    const x = tf.randomNormal([2, 34, 34, 256]) as tf.Tensor4D;
    const w = tf.zeros([3, 3, 256, 256]) as tf.Tensor4D;
    const dy = tf.randomNormal([2, 32, 32, 256]) as tf.Tensor4D;
    expect(winogradApplies(w.shape, [1, 1], [1, 1], 2 * 32 * 32, 'filter')).toBe(true);
    const dW = () => tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, 1, 0), dy)))(w);
    // The cpu backend takes minutes here; the im2col route it replaces is held to the cpu backend
    // in wasm-conv-kernels.test.ts, and the small shapes above hold this one to it directly.
    const direct = withoutWinograd(() => tf.tidy(() => dW().dataSync() as Float32Array));
    const before = tf.memory().numTensors;
    const viaWinogradKernel = dW();
    expect(await relativeError(viaWinogradKernel, direct)).toBeLessThan(1e-4);
    viaWinogradKernel.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, dy]);
  });
});
