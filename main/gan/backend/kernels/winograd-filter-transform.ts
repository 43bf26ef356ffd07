import type * as tf from '@tensorflow/tfjs-core';
import { WINOGRAD_TAPS } from './winograd-tile-transforms.js';
import { allocateTensor, heapView } from './wasm-heap.js';

/**
 * U[p] = (G g Gᵀ)[p] as 16 matrices [CIN, COUT] from a filter [3, 3, CIN, COUT]. With `flipped`,
 * the filter used is the input gradient's: g'[ky, kx, o, i] = g[2 − ky, 2 − kx, i, o] (spatially
 * flipped, in/out swapped), so the matrices are [COUT, CIN].
 */
export function winogradFilter(filter: tf.Tensor4D, flipped: boolean): tf.Tensor2D[] {
  const [kh, kw, ci, co] = filter.shape;
  if (kh !== 3 || kw !== 3) throw new Error(`Winograd F(2×2, 3×3) needs a 3×3 filter, got ${kh}×${kw}`);
  const rowsOut = flipped ? co : ci;
  const colsOut = flipped ? ci : co;
  const u: tf.Tensor2D[] = [];
  for (let p = 0; p < WINOGRAD_TAPS; p++) u.push(allocateTensor<tf.Rank.R2>([rowsOut, colsOut]));
  const src = heapView(filter);
  const dst = u.map((t) => heapView(t));
  const tap = ci * co;
  // Spatial flip: G J = P G with P swapping rows 0 and 3, so the flipped filter's transform is
  // the plain one with positions 0 and 3 swapped on both axes.
  const sigma = flipped ? [3, 1, 2, 0] : [0, 1, 2, 3];
  const out = (py: number, px: number) => dst[sigma[py]! * 4 + sigma[px]!]!;
  const [u00, u01, u02, u03, u10, u11, u12, u13, u20, u21, u22, u23, u30, u31, u32, u33] = [
    out(0, 0),
    out(0, 1),
    out(0, 2),
    out(0, 3),
    out(1, 0),
    out(1, 1),
    out(1, 2),
    out(1, 3),
    out(2, 0),
    out(2, 1),
    out(2, 2),
    out(2, 3),
    out(3, 0),
    out(3, 1),
    out(3, 2),
    out(3, 3),
  ] as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const block = 32;
  for (let i0 = 0; i0 < ci; i0 += block) {
    const i1 = Math.min(ci, i0 + block);
    for (let o0 = 0; o0 < co; o0 += block) {
      const o1 = Math.min(co, o0 + block);
      for (let i = i0; i < i1; i++) {
        for (let o = o0; o < o1; o++) {
          const s = i * co + o;
          const g0 = src[s]!,
            g1 = src[tap + s]!,
            g2 = src[2 * tap + s]!;
          const g3 = src[3 * tap + s]!,
            g4 = src[4 * tap + s]!,
            g5 = src[5 * tap + s]!;
          const g6 = src[6 * tap + s]!,
            g7 = src[7 * tap + s]!,
            g8 = src[8 * tap + s]!;
          // G g: rows g_row0, (row0 + row1 + row2)/2, (row0 − row1 + row2)/2, row2.
          const h10 = 0.5 * (g0 + g3 + g6),
            h11 = 0.5 * (g1 + g4 + g7),
            h12 = 0.5 * (g2 + g5 + g8);
          const h20 = 0.5 * (g0 - g3 + g6),
            h21 = 0.5 * (g1 - g4 + g7),
            h22 = 0.5 * (g2 - g5 + g8);
          const d = flipped ? o * ci + i : s;
          // (G g) Gᵀ: the same combination of columns.
          u00[d] = g0;
          u01[d] = 0.5 * (g0 + g1 + g2);
          u02[d] = 0.5 * (g0 - g1 + g2);
          u03[d] = g2;
          u10[d] = h10;
          u11[d] = 0.5 * (h10 + h11 + h12);
          u12[d] = 0.5 * (h10 - h11 + h12);
          u13[d] = h12;
          u20[d] = h20;
          u21[d] = 0.5 * (h20 + h21 + h22);
          u22[d] = 0.5 * (h20 - h21 + h22);
          u23[d] = h22;
          u30[d] = g6;
          u31[d] = 0.5 * (g6 + g7 + g8);
          u32[d] = 0.5 * (g6 - g7 + g8);
          u33[d] = g8;
        }
      }
    }
  }
  return u;
}
