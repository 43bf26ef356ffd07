import { describe, expect, it } from 'vitest';
import { MetricSeries, chartColumns, overlayColumns, smoothEma } from '../../renderer/src/lib/stores/metrics.js';
import { points } from './helpers/fixtures.js';

describe('MetricSeries', () => {
  it('merges history and live points by iteration, in any order, without duplicates', () => {
    const s = new MetricSeries();
    expect(s.add(points(50, 60))).toBe(11); // live events arrived first
    expect(s.add(points(0, 55))).toBe(50); // then the history, overlapping
    expect(s.add(points(58, 70))).toBe(10);
    expect(s.iterations).toEqual(Array.from({ length: 71 }, (_, i) => i));
    expect(s.names).toEqual(['G_GAN', 'G_L1', 'D_real', 'D_fake']);
    expect(s.column('G_L1')).toHaveLength(71);
    expect(s.lastIteration).toBe(70);
  });

  it('fills a loss that appears later with gaps, and drops non-finite values', () => {
    const s = new MetricSeries();
    s.add([{ iteration: 1, epoch: 1, losses: { a: 1 }, lr: 0, seconds: 0 }]);
    s.add([{ iteration: 2, epoch: 1, losses: { a: Number.NaN, b: 2 }, lr: 0, seconds: 0 }]);
    expect(s.column('a')).toEqual([1, null]);
    expect(s.column('b')).toEqual([null, 2]);
  });

  it('produces uPlot columns for the visible losses', () => {
    const s = new MetricSeries();
    s.add(points(0, 9));
    const cols = chartColumns(s, ['G_GAN'], 0);
    expect(cols).toHaveLength(2);
    expect(cols[0]).toEqual(s.iterations);
    expect(cols[1]).toEqual(s.column('G_GAN'));
  });
});

describe('smoothEma', () => {
  it('is the identity at weight 0', () => {
    expect(smoothEma([1, 2, 3], 0)).toEqual([1, 2, 3]);
  });
  it('is debiased: a constant stays constant from the first point', () => {
    for (const v of smoothEma([5, 5, 5, 5], 0.9)) expect(v).toBeCloseTo(5, 12);
  });
  it('matches the TensorBoard formula', () => {
    const w = 0.6;
    const out = smoothEma([1, 3], w);
    expect(out[0]).toBeCloseTo(1);
    expect(out[1]).toBeCloseTo(((1 - w) * w * 1 + (1 - w) * 3) / ((1 - w) * w + (1 - w)));
  });
  it('keeps gaps as gaps without resetting', () => {
    const out = smoothEma([2, null, 2], 0.5);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeCloseTo(2);
  });
  it('reduces noise', () => {
    const noisy = Array.from({ length: 400 }, (_, i) => 1 + (i % 2 ? 0.5 : -0.5));
    const sm = smoothEma(noisy, 0.95).slice(100) as number[];
    const spread = Math.max(...sm) - Math.min(...sm);
    expect(spread).toBeLessThan(0.1);
  });
});

describe('overlayColumns', () => {
  it('aligns runs on the union of iterations with nulls', () => {
    const a = new MetricSeries();
    a.add(points(0, 4, 2)); // 0 2 4
    const b = new MetricSeries();
    b.add(points(1, 3, 2)); // 1 3
    const [x, ya, yb] = overlayColumns([a, b], 'D_real', 0);
    expect(x).toEqual([0, 1, 2, 3, 4]);
    expect(ya).toEqual([0.6, null, 0.6, null, 0.6]);
    expect(yb).toEqual([null, 0.6, null, 0.6, null]);
  });
});
