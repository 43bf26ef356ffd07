import { beforeAll, describe, expect, it } from 'vitest';
import { BlurDownsample, BlurUpsample } from '../../../main/gan/layers/blur-pool.js';
import { ParamRegistry } from '../../../main/gan/layers/params.js';
import { tf } from '../../../main/gan/tf.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

type Map2 = number[][];
const outer = (r: number[]) => r.map((a) => r.map((b) => a * b));

/** The official Downsample on one channel: ReflectionPad2d(1), 3×3 [1,2,1]ᵀ[1,2,1]/16 at stride 2. */
function officialDown(x: Map2): Map2 {
  const h = x.length;
  const w = x[0]!.length;
  const refl = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
  const f = outer([1, 2, 1]).map((r) => r.map((v) => v / 16));
  const oh = Math.floor((h - 1) / 2) + 1;
  const ow = Math.floor((w - 1) / 2) + 1;
  return Array.from({ length: oh }, (_, i) =>
    Array.from({ length: ow }, (_, j) => {
      let s = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += f[a]![b]! * x[refl(2 * i + a - 1, h)]![refl(2 * j + b - 1, w)]!;
      return s;
    }),
  );
}

/** The official Upsample along one axis: ReplicationPad 1, conv_transpose (stride 2, padding 2) with [1,3,3,1]/8·2, crop [1:-1]. */
function officialUp1d(x: number[]): number[] {
  const n = x.length;
  const q = [x[0]!, ...x, x[n - 1]!];
  const g = [1, 3, 3, 1].map((v) => (v / 8) * 2);
  const full = new Array<number>(2 * q.length + 2).fill(0);
  q.forEach((v, i) => g.forEach((gk, k) => (full[2 * i + k]! += v * gk)));
  const out = full.slice(2, 2 * q.length - 2 + 2);
  return out.slice(1, 1 + 2 * n);
}

function officialUp(x: Map2): Map2 {
  const rows = x.map(officialUp1d);
  const cols = rows[0]!.map((_, j) => officialUp1d(rows.map((r) => r[j]!)));
  return cols[0]!.map((_, i) => cols.map((c) => c[i]!));
}

function randomMap(h: number, w: number, seed: number): Map2 {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return Array.from({ length: h }, () => Array.from({ length: w }, next));
}

const toTensor = (x: Map2) => tf.tensor4d(x.flat(), [1, x.length, x[0]!.length, 1]);
const maxDiff = (a: Map2, b: number[], w: number) => Math.max(...a.flat().map((v, i) => Math.abs(v - b[i]!)), w * 0);

/** Uᵀw for a linear map U given as a function: the gradient of Σ w·U(x). */
function adjoint(op: (x: Map2) => Map2, h: number, w: number, weights: Map2): number[] {
  const out: number[] = [];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const e = Array.from({ length: h }, (_, a) => Array.from({ length: w }, (_, b) => (a === i && b === j ? 1 : 0)));
      const y = op(e);
      out.push(y.flat().reduce((s, v, k) => s + v * weights.flat()[k]!, 0));
    }
  }
  return out;
}

describe('anti-aliased resampling', () => {
  for (const [h, w] of [
    [6, 7],
    [5, 4],
  ] as const) {
    it(`Downsample equals the official blur pool and its gradient is the adjoint (${h}×${w})`, async () => {
      const down = new BlurDownsample(new ParamRegistry('t'), 'd', 1);
      const x = randomMap(h, w, h * 31 + w);
      const expected = officialDown(x);
      const xt = toTensor(x);
      const y = down.forward(xt);
      expect(maxDiff(expected, Array.from(await y.data()), 0)).toBeLessThan(1e-6);
      const weights = randomMap(expected.length, expected[0]!.length, 7);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(down.forward(t as tf.Tensor4D), toTensor(weights))))(xt);
      const want = adjoint(officialDown, h, w, weights);
      expect(Math.max(...Array.from(await g.data()).map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-6);
      tf.dispose([xt, y, g]);
    });

    it(`Upsample as bilinear ×2 equals the official transposed blur and its gradient (${h}×${w})`, async () => {
      const up = new BlurUpsample(new ParamRegistry('t'), 'u', 1);
      const x = randomMap(h, w, h * 17 + w);
      const expected = officialUp(x);
      const xt = toTensor(x);
      const y = up.forward(xt);
      // Measured: ≤ 1.2e-7 here (float rounding of ¼/¾ weights); 2.4e-7 in the official fixture's note.
      expect(maxDiff(expected, Array.from(await y.data()), 0)).toBeLessThan(5e-7);
      const weights = randomMap(2 * h, 2 * w, 11);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(up.forward(t as tf.Tensor4D), toTensor(weights))))(xt);
      const want = adjoint(officialUp, h, w, weights);
      expect(Math.max(...Array.from(await g.data()).map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-5);
      tf.dispose([xt, y, g]);
    });
  }
});
