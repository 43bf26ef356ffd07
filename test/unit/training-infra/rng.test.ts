import { describe, expect, it } from 'vitest';
import { Rng } from '../../../main/gan/util/rng.js';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

describe('Rng', () => {
  it('implements xoshiro128** (reference vector for state 1,2,3,4)', () => {
    const rng = Rng.fromState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 4], spareNormal: null });
    expect(draws(rng, 3)).toEqual([11520, 0, 5927040]);
  });

  it('is deterministic per seed and differs across seeds', () => {
    expect(draws(new Rng(42), 20)).toEqual(draws(new Rng(42), 20));
    expect(draws(new Rng(42), 20)).not.toEqual(draws(new Rng(43), 20));
    // Seeds beyond 32 bits and negative seeds are distinct seeds too.
    expect(draws(new Rng(2 ** 32 + 5), 4)).not.toEqual(draws(new Rng(5), 4));
    expect(draws(new Rng(-1), 4)).not.toEqual(draws(new Rng(2 ** 32 - 1), 4));
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => new Rng(1.5)).toThrow(/safe integer/);
    expect(() => new Rng(Number.NaN)).toThrow(/safe integer/);
  });

  it('continues identically after a JSON state round-trip mid-stream, including a pending normal', () => {
    const a = new Rng(7);
    draws(a, 13);
    a.normal(); // leaves the second Box–Muller deviate pending
    const saved = JSON.parse(JSON.stringify(a.state()));
    expect(saved.spareNormal).not.toBeNull();
    const b = Rng.fromState(saved);
    const seqA = [a.normal(), a.uniform(), a.randint(0, 49), a.normal(2, 3), a.nextUint32()];
    const seqB = [b.normal(), b.uniform(), b.randint(0, 49), b.normal(2, 3), b.nextUint32()];
    expect(seqB).toEqual(seqA);
    const fa = new Float32Array(7);
    const fb = new Float32Array(7);
    a.fillNormal(fa, 0, 0.02);
    b.fillNormal(fb, 0, 0.02);
    expect(fb).toEqual(fa);
  });

  it('rejects malformed states', () => {
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', s: [0, 0, 0, 0], spareNormal: null })).toThrow(/not all zero/);
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 2 ** 32], spareNormal: null })).toThrow(/uint32/);
    expect(() => Rng.fromState({ algorithm: 'mt19937', s: [1, 2, 3, 4], spareNormal: null } as never)).toThrow(/algorithm/);
  });

  it('uniform() lies in [0,1) with mean 1/2 and variance 1/12', () => {
    const rng = new Rng(1);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sq += u * u;
    }
    expect(outside).toBe(0);
    const mean = sum / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sq / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  it('normal() and fillNormal() have the requested mean and std', () => {
    const rng = new Rng(3);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal(1, 2);
      sum += z;
      sq += z * z;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(1, 1);
    expect(Math.sqrt(sq / n - mean * mean)).toBeCloseTo(2, 1);

    const buf = new Float32Array(200_001); // odd length covers the unpaired last element
    rng.fillNormal(buf, 0, 0.02);
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    for (const x of buf) {
      s += x;
      s2 += x * x;
      s4 += x ** 4;
    }
    const m = s / buf.length;
    const v = s2 / buf.length - m * m;
    expect(Math.abs(m)).toBeLessThan(0.0005);
    expect(Math.sqrt(v)).toBeCloseTo(0.02, 3);
    expect(s4 / buf.length / (v * v)).toBeCloseTo(3, 1); // Gaussian kurtosis
    expect(buf[buf.length - 1]).not.toBe(0);
  });

  it('randint is inclusive at both ends and uniform', () => {
    const rng = new Rng(11);
    const counts = new Array<number>(5).fill(0);
    const n = 100_000;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const k = rng.randint(3, 7);
      lo = Math.min(lo, k);
      hi = Math.max(hi, k);
      counts[k - 3] = (counts[k - 3] ?? 0) + 1;
    }
    expect([lo, hi]).toEqual([3, 7]);
    for (const c of counts) expect(Math.abs(c / n - 0.2)).toBeLessThan(0.01);
    expect(rng.randint(4, 4)).toBe(4);
    expect(() => rng.randint(5, 4)).toThrow(RangeError);
    // The full 32-bit range works without bias loops running forever.
    const big = rng.randint(0, 2 ** 32 - 1);
    expect(big >= 0 && big < 2 ** 32).toBe(true);
  });

  it('fork gives deterministic, label-specific streams and leaves the parent untouched', () => {
    const parent = new Rng(5);
    const before = parent.state();
    const a1 = draws(parent.fork('data'), 8);
    expect(parent.state()).toEqual(before);
    const a2 = draws(new Rng(5).fork('data'), 8);
    const b = draws(parent.fork('init'), 8);
    expect(a2).toEqual(a1);
    expect(b).not.toEqual(a1);
    expect(draws(parent, 8)).not.toEqual(a1);
  });
});
