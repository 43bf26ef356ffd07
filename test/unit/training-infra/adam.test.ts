import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Adam } from '../../../main/gan/optim/adam.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const f = Math.fround;

/** torch's Adam in float64, straight from its formula. */
function adam64(p0: number[], grads: number[][], lr: number, b1: number, b2: number, eps = 1e-8): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    const bc1 = 1 - b1 ** t;
    const bc2 = 1 - b2 ** t;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      const denom = Math.sqrt(v[i]!) / Math.sqrt(bc2) + eps;
      p[i] = p[i]! - (lr / bc1) * (m[i]! / denom);
    }
  });
  return p;
}

/** torch's CPU kernels op by op in float32 (each Math.fround is one rounded float32 op). */
function adam32(p0: number[], grads: number[][], lr: number, b1: number, b2: number, form: 'lerp' | 'mul-add', eps = 1e-8): number[] {
  const p = p0.map(f);
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    const stepSize = lr / (1 - b1 ** t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    const w = f(1 - b1);
    for (let i = 0; i < p.length; i++) {
      const gi = f(g[i]!);
      const mi = m[i]!;
      if (form === 'mul-add') m[i] = f(f(mi * f(b1)) + f(gi * w));
      else m[i] = Math.abs(w) < 0.5 ? f(mi + f(w * f(gi - mi))) : f(gi - f(f(gi - mi) * f(1 - w)));
      v[i] = f(f(v[i]! * f(b2)) + f(f(gi * f(1 - b2)) * gi));
      const denom = f(f(f(Math.sqrt(v[i]!)) / f(bc2Sqrt)) + f(eps));
      p[i] = f(p[i]! + f(f(m[i]! * f(-stepSize)) / denom));
    }
  });
  return p;
}

const P0 = [0.5, -1.25, 3, 0.001, -0.2];
const GRADS = [
  [0.1, -0.3, 2.5, 0, 1e-4],
  [-0.2, -0.1, 1.5, 0.7, -3],
  [0.05, 0.4, -0.5, 0.3, 0.2],
  [1.5, -2, 0.25, -0.6, 0.01],
];

function run(opts: { lr: number; beta1: number; beta2: number; firstMomentUpdate?: 'lerp' | 'mul-add' }): number[] {
  const w = tf.variable(tf.tensor1d(P0));
  const adam = new Adam(new Map([['w', w]]), opts);
  for (const g of GRADS) {
    const gt = tf.tensor1d(g);
    adam.step({ w: gt });
    gt.dispose();
  }
  const out = Array.from(w.dataSync());
  adam.dispose();
  w.dispose();
  return out;
}

describe('Adam', () => {
  for (const [beta1, form] of [
    [0.5, 'lerp'],
    [0.9, 'lerp'],
    [0.5, 'mul-add'],
    [0.9, 'mul-add'],
  ] as const) {
    it(`matches torch's formula (beta1 ${beta1}, ${form})`, () => {
      const opts = { lr: 0.0002, beta1, beta2: 0.999, firstMomentUpdate: form };
      const got = run(opts);
      const ref64 = adam64(P0, GRADS, opts.lr, beta1, 0.999);
      got.forEach((x, i) => expect(x).toBeCloseTo(ref64[i]!, 6));
      // And bit for bit with torch's float32 op sequence.
      expect(got).toEqual(adam32(P0, GRADS, opts.lr, beta1, 0.999, form));
    });
  }

  it('moves each parameter by about lr on the first step (bias correction)', () => {
    const got = run({ lr: 0.01, beta1: 0.5, beta2: 0.999 });
    expect(got).not.toEqual(P0);
    const w = tf.variable(tf.tensor1d([1, 1]));
    const adam = new Adam(new Map([['w', w]]), { lr: 0.01, beta1: 0.5, beta2: 0.999 });
    const g = tf.tensor1d([3, -0.001]);
    adam.step(new Map([['w', g]]));
    const [a, b] = Array.from(w.dataSync());
    expect(a).toBeCloseTo(0.99, 6);
    expect(b).toBeCloseTo(1.01, 4);
    adam.dispose();
    tf.dispose([w, g]);
  });

  it('skips parameters without a gradient, each keeping its own step count like torch', () => {
    const a = tf.variable(tf.tensor1d([P0[0]!]));
    const b = tf.variable(tf.tensor1d([P0[1]!]));
    const adam = new Adam(
      new Map([
        ['a', a],
        ['b', b],
      ]),
      { lr: 0.001, beta1: 0.5, beta2: 0.999 },
    );
    const ga = GRADS.map((g) => tf.tensor1d([g[0]!]));
    const gb = GRADS.map((g) => tf.tensor1d([g[1]!]));
    adam.step({ a: ga[0]! }); // b has no gradient: untouched, no state
    expect(b.dataSync()[0]).toBe(f(P0[1]!));
    adam.step({ a: ga[1]!, b: gb[0]! }); // b's first step uses bias correction for t=1
    adam.step({ a: ga[2]!, b: gb[1]! });
    expect(adam.stepCount).toBe(3);
    const st = adam.exportState();
    expect(st.moments.get('a')!.step).toBe(3);
    expect(st.moments.get('b')!.step).toBe(2);
    for (const mv of st.moments.values()) tf.dispose([mv.m, mv.v]);
    expect(a.dataSync()[0]).toBe(
      adam32(
        [P0[0]!],
        GRADS.slice(0, 3).map((g) => [g[0]!]),
        0.001,
        0.5,
        0.999,
        'lerp',
      )[0],
    );
    expect(b.dataSync()[0]).toBe(
      adam32(
        [P0[1]!],
        GRADS.slice(0, 2).map((g) => [g[1]!]),
        0.001,
        0.5,
        0.999,
        'lerp',
      )[0],
    );
    // The caller's gradients are not disposed.
    for (const g of [...ga, ...gb]) expect(g.isDisposed).toBe(false);
    adam.dispose();
    tf.dispose([a, b, ...ga, ...gb]);
  });

  it('uses the lr in effect at each step (set by a scheduler)', () => {
    const w = tf.variable(tf.tensor1d([0]));
    const adam = new Adam(new Map([['w', w]]), { lr: 0.1, beta1: 0.5, beta2: 0.999 });
    const g = tf.tensor1d([1]);
    adam.step({ w: g });
    adam.lr = 0;
    adam.step({ w: g });
    expect(w.dataSync()[0]).toBeCloseTo(-0.1, 6);
    adam.dispose();
    tf.dispose([w, g]);
  });

  it('rejects unknown parameters and mismatched shapes', () => {
    const w = tf.variable(tf.zeros([2, 2]));
    const adam = new Adam(new Map([['w', w]]), { lr: 0.1, beta1: 0.5, beta2: 0.999 });
    const g = tf.zeros([4]);
    expect(() => adam.step({ w: g })).toThrow(/shape \[4\].*\[2,2\]/);
    expect(() => adam.step({ x: g })).toThrow(/not one of this optimiser's parameters/);
    expect(adam.stepCount).toBe(0);
    adam.dispose();
    tf.dispose([w, g]);
  });

  it('continues identically after exportState/importState into a fresh optimiser', () => {
    const make = () => tf.variable(tf.tensor2d([P0.slice(0, 2), P0.slice(2, 4)]));
    const grads = GRADS.map((g) => tf.tensor2d([g.slice(0, 2), g.slice(2, 4)]));
    const w1 = make();
    const a1 = new Adam(new Map([['w', w1]]), { lr: 0.002, beta1: 0.5, beta2: 0.999 });
    a1.step({ w: grads[0]! });
    a1.step({ w: grads[1]! });
    const saved = a1.exportState();

    const w2 = tf.variable(tf.tensor(w1.dataSync(), w1.shape));
    const a2 = new Adam(new Map([['w', w2]]), { lr: 0.002, beta1: 0.5, beta2: 0.999 });
    a2.importState(saved);
    for (const mv of saved.moments.values()) tf.dispose([mv.m, mv.v]); // importState copied them
    expect(a2.stepCount).toBe(2);
    for (const g of grads.slice(2)) {
      a1.step({ w: g });
      a2.step({ w: g });
    }
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w1.dataSync()));
    a1.dispose();
    a2.dispose();
    tf.dispose([w1, w2, ...grads]);
  });

  it('leaks no tensors across steps, export/import and dispose', () => {
    const before = tf.memory().numTensors;
    const params = new Map<string, tf.Variable>();
    tf.tidy(() => {
      // Variables survive tidy; their initial values do not.
      params.set('a', tf.variable(tf.randomNormal([8, 8])));
      params.set('b', tf.variable(tf.randomNormal([8])));
    });
    const grads = new Map([
      ['a', tf.randomNormal([8, 8])],
      ['b', tf.randomNormal([8])],
    ]);
    const adam = new Adam(params, { lr: 0.001, beta1: 0.5, beta2: 0.999 });
    adam.step(grads); // creates the moments
    const steady = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) adam.step(grads);
    expect(tf.memory().numTensors).toBe(steady);
    const st = adam.exportState();
    adam.importState(st);
    for (const mv of st.moments.values()) tf.dispose([mv.m, mv.v]);
    expect(tf.memory().numTensors).toBe(steady);
    adam.dispose();
    tf.dispose([...params.values(), ...grads.values()]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
