import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../../helpers/backend.js';
import { expectMatchesCpu, onCpu, relativeError } from '../../helpers/matches-cpu.js';
import { conv2dBackpropFilter } from '../../../main/gan/backend/kernels/conv2d-backprop-filter.js';
import { TANDEM_WASM_KERNELS } from '../../../main/gan/backend/kernels/register-wasm-kernels.js';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 7, 9, 5], filter: [3, 3, 5, 6], stride: 1, pad: 1 },
  { x: [2, 7, 9, 5], filter: [3, 3, 5, 10], stride: 2, pad: 1 },
  { x: [1, 13, 13, 3], filter: [4, 4, 3, 9], stride: 2, pad: 1 },
  { x: [3, 13, 13, 3], filter: [7, 7, 3, 2], stride: 1, pad: 3 },
  { x: [1, 8, 8, 5], filter: [1, 1, 5, 7], stride: 2, pad: 0 },
  { x: [2, 9, 7, 6], filter: [1, 1, 6, 11], stride: 1, pad: 0 },
  { x: [2, 9, 7, 6], filter: [3, 3, 6, 5], stride: 2, pad: 'same' },
  { x: [2, 9, 7, 6], filter: [4, 4, 6, 13], stride: 2, pad: 'valid' },
  { x: [1, 11, 10, 3], filter: [4, 4, 3, 5], stride: 1, pad: 'same' },
  { x: [4, 6, 6, 7], filter: [3, 3, 7, 9], stride: 1, pad: 'valid' },
  {
    x: [2, 8, 8, 3],
    filter: [3, 3, 3, 12],
    stride: 2,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  // Few output pixels, many output channels: the input gradient takes the GEMM + col2im path.
  { x: [1, 4, 4, 3], filter: [4, 4, 3, 40], stride: 2, pad: 1 },
  { x: [2, 3, 5, 4], filter: [3, 3, 4, 33], stride: 2, pad: 'same' },
  { x: [1, 2, 2, 5], filter: [4, 4, 5, 9], stride: 2, pad: 1 },
];

const name = (c: Case) => `x${c.x.join('x')} f${c.filter.join('x')} s${c.stride} pad ${JSON.stringify(c.pad)}`;

describe('Tandem wasm conv kernels match the cpu backend', () => {
  beforeAll(useWasmBackend);

  it('replaces Conv2DBackpropInput and adds Conv2DBackpropFilter on wasm', () => {
    for (const config of TANDEM_WASM_KERNELS) {
      expect(tf.getKernel(config.kernelName, 'wasm')?.kernelFunc).toBe(config.kernelFunc);
    }
  });

  for (const c of CASES) {
    it(`conv2d gradients, ${name(c)}`, async () => {
      const x = tf.randomNormal(c.x) as tf.Tensor4D;
      const w = tf.randomNormal(c.filter) as tf.Tensor4D;
      const dy = tf.tidy(() => tf.randomNormal(tf.conv2d(x, w, c.stride, c.pad).shape)) as tf.Tensor4D;
      await expectMatchesCpu(() => tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, c.stride, c.pad), dy)))(w));
      await expectMatchesCpu(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(v as tf.Tensor4D, w, c.stride, c.pad), dy)))(x));
      tf.dispose([x, w, dy]);
    });
  }

  const TRANSPOSED: { x: [number, number, number, number]; k: number; cin: number; cout: number }[] = [
    { x: [2, 5, 5, 6], k: 4, cin: 6, cout: 5 },
    { x: [1, 7, 6, 9], k: 3, cin: 9, cout: 4 },
    { x: [3, 4, 4, 3], k: 4, cin: 3, cout: 10 },
    { x: [2, 6, 6, 10], k: 3, cin: 10, cout: 3 },
    // The U-Net's innermost up-convs: 1×1 and 2×2 inputs with more channels than pixels (GEMM path).
    { x: [1, 1, 1, 16], k: 4, cin: 16, cout: 6 },
    { x: [2, 2, 2, 20], k: 4, cin: 20, cout: 7 },
  ];
  for (const t of TRANSPOSED) {
    it(`conv2dTranspose k${t.k} s2 p1 to 2n, x${t.x.join('x')} -> ${t.cout}: forward and gradients`, async () => {
      const [n, h, w] = t.x;
      const outShape: [number, number, number, number] = [n, 2 * h, 2 * w, t.cout];
      const x = tf.randomNormal(t.x) as tf.Tensor4D;
      const filter = tf.randomNormal([t.k, t.k, t.cout, t.cin]) as tf.Tensor4D;
      const dy = tf.randomNormal(outShape) as tf.Tensor4D;
      const up = (v: tf.Tensor, f: tf.Tensor) => tf.conv2dTranspose(v as tf.Tensor4D, f as tf.Tensor4D, outShape, 2, 1);
      await expectMatchesCpu(() => up(x, filter));
      await expectMatchesCpu(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(up(v, filter), dy)))(x));
      await expectMatchesCpu(() => tf.grad((f: tf.Tensor) => tf.sum(tf.mul(up(x, f), dy)))(filter));
      tf.dispose([x, filter, dy]);
    });
  }

  /** The filter gradient of a 3×3 pad-1 conv of a 2×9×11×5 input computed in chunks of `budget` floats equals the cpu backend's. */
  async function expectChunkedFilterGradient(stride: number, budgets: number[]): Promise<void> {
    const x = tf.randomNormal([2, 9, 11, 5]) as tf.Tensor4D;
    const side = (n: number) => Math.floor((n + 2 - 3) / stride) + 1;
    const dy = tf.randomNormal([2, side(9), side(11), 7]) as tf.Tensor4D;
    const w = tf.zeros([3, 3, 5, 7]);
    const reference = onCpu(() => tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, stride, 1), dy)))(w));
    for (const budget of budgets) {
      const chunked = conv2dBackpropFilter(x, dy, [3, 3, 5, 7], { strides: stride, pad: 1, dataFormat: 'NHWC' }, budget);
      expect(await relativeError(chunked, reference)).toBeLessThan(1e-4);
      chunked.dispose();
    }
    tf.dispose([x, dy, w]);
  }

  it('chunks the filter gradient over output rows when a tap would exceed the temp budget', async () => {
    // 2 images x 6 columns x 7 channels = 84 floats per output row: a 100-float budget means 1 row per chunk.
    await expectChunkedFilterGradient(2, [100]);
  });

  it('chunks the stride-1 (wide-row) filter gradient too', async () => {
    await expectChunkedFilterGradient(1, [100, 2000]);
  });
});
