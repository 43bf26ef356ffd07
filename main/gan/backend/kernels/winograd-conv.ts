import * as tf from '@tensorflow/tfjs-core';
import { TEMP_BUFFER_FLOATS } from './conv-geometry.js';
import { allocateTensor, heapView } from './wasm-heap.js';

/**
 * 3×3, stride-1 convolutions by Winograd's F(2×2, 3×3): each 2×2 block of output pixels costs 16
 * multiplies per (input channel, output channel) pair instead of 36. The image is cut into 4×4
 * input tiles overlapping by 2; every tile is taken to the transform domain (V = Bᵀ d B, adds
 * only), the 16 transform positions become 16 independent products V[p] · U[p] over the channels
 * (U = G g Gᵀ, the transformed filter), and each tile's 4×4 result is taken back to its 2×2 output
 * pixels (Y = Aᵀ M A). The products are plain 2-D matMuls, which XNNPACK runs on its thread pool
 * at 40–48 GFLOP/s on 2 threads (its direct conv: ~50), so 2.25× fewer flops pay for the
 * transforms (single-threaded JS passes over the wasm heap) and for packing 16 fresh right
 * operands per call once images and channel counts are large enough (winogradApplies).
 *
 * Rounding: the transforms' coefficients (0, ±1, ±½) are exact, but their sums are rounded in
 * float32, so results differ from a direct conv by ~2e-6 of the output's scale (direct vs cpu
 * backend: ~4e-7); well inside the 1e-4 the kernels are held to.
 *
 * The ResNet generators' residual blocks (3×3, 256→256 at ¼ resolution) carry ~85% of their
 * flops; their input gradients (stride-1 convs of dy with the flipped filter) and, from 256²
 * crops on, their forward convs run here; their filter gradients run the adjoint algorithm in
 * winograd-filter-grad.ts.
 */

/** Used when both channel counts reach this: below it the transforms cost more than they save. */
export const WINOGRAD_MIN_CHANNELS = 128;
/** Output pixels (N·OH·OW) from which a forward conv gains; see winogradApplies. */
export const WINOGRAD_MIN_FORWARD_PIXELS = 2048;
/** Input-gradient pixels (N·H·W) from which an input gradient gains. */
export const WINOGRAD_MIN_INPUT_PIXELS = 256;
/**
 * CI·CO·N·OH·OW from which a filter gradient (winograd-filter-grad.ts) gains: 32×32 output pixels
 * at 256→256 channels, 64×64 at 128→128. Measured on 2 threads against the im2col + matMul route:
 * 24×24×256 and 32×32×128 are a tie, 32×32×256 ~23% and 64×64×256 ~30% faster.
 */
export const WINOGRAD_MIN_FILTER_WORK = 2 ** 26;

let enabled = true;

/** Runs `body` with Winograd off (every conv on the direct kernels), for before/after measurements. */
export function withoutWinograd<T>(body: () => T): T {
  const was = enabled;
  enabled = false;
  try {
    return body();
  } finally {
    enabled = was;
  }
}

const TAPS = 16;

export interface WinogradConv {
  /** x [N, H, W, CIN] (NHWC), read with zero padding outside. */
  x: tf.Tensor4D;
  /** The 16 transformed filter matrices [CIN, COUT], one per transform position. */
  u: tf.Tensor2D[];
  outHeight: number;
  outWidth: number;
  padTop: number;
  padLeft: number;
}

/** out[n, oy, ox, o] = Σ x[n, oy + ky − padTop, ox + kx − padLeft, c] · g[ky, kx, c, o] for a filter g given through u. */
export function winogradConv2d(conv: WinogradConv, tempBufferFloats = TEMP_BUFFER_FLOATS): tf.Tensor4D {
  const { x, u, outHeight: oh, outWidth: ow } = conv;
  const [n, , , cin] = x.shape;
  const cout = u[0]!.shape[1];
  const tilesX = Math.ceil(ow / 2);
  const tileRows = Math.ceil(oh / 2);
  // V and M for one chunk of tile rows: 16 · tilesX · (CIN + COUT) floats per tile row.
  const perTileRow = TAPS * tilesX * Math.max(cin, cout);
  const rowsPerChunk = Math.max(1, Math.min(tileRows, Math.floor(tempBufferFloats / perTileRow)));
  const out = allocateTensor<tf.Rank.R4>([n, oh, ow, cout]);
  try {
    for (let b = 0; b < n; b++) {
      for (let ty0 = 0; ty0 < tileRows; ty0 += rowsPerChunk) {
        const rows = Math.min(rowsPerChunk, tileRows - ty0);
        const tiles = rows * tilesX;
        const v: tf.Tensor2D[] = [];
        const m: tf.Tensor2D[] = [];
        try {
          for (let p = 0; p < TAPS; p++) v.push(allocateTensor<tf.Rank.R2>([tiles, cin]));
          inputTransform(conv, v, b, ty0, rows, tilesX);
          for (let p = 0; p < TAPS; p++) m.push(tf.matMul(v[p]!, u[p]!));
          tf.dispose(v.splice(0));
          outputTransform(m, out, b, ty0, rows, tilesX);
        } finally {
          tf.dispose(v);
          tf.dispose(m);
        }
      }
    }
    return out;
  } catch (err) {
    out.dispose();
    throw err;
  }
}

/** V[p][t, c] = (Bᵀ d B)[p] for the 4×4 input tile d of tile t, channel c (zeros outside x). */
function inputTransform(conv: WinogradConv, v: tf.Tensor2D[], b: number, ty0: number, rows: number, tilesX: number): void {
  const { x, padTop, padLeft } = conv;
  const [, h, w, c] = x.shape;
  const src = heapView(x);
  const dst = v.map((t) => heapView(t));
  const [v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15] = dst as [
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
  const rowStride = w * c;
  // Offsets of the 16 tile pixels in x, or -1 where the pixel lies in the padding.
  const at = new Int32Array(16);
  const patch = new Float32Array(16);
  for (let r = 0; r < rows; r++) {
    const iy0 = 2 * (ty0 + r) - padTop;
    for (let tx = 0; tx < tilesX; tx++) {
      const ix0 = 2 * tx - padLeft;
      const t = (r * tilesX + tx) * c;
      const inside = iy0 >= 0 && iy0 + 3 < h && ix0 >= 0 && ix0 + 3 < w;
      if (inside) {
        const s0 = ((b * h + iy0) * w + ix0) * c;
        const s1 = s0 + rowStride;
        const s2 = s1 + rowStride;
        const s3 = s2 + rowStride;
        const c2 = 2 * c;
        const c3 = 3 * c;
        for (let k = 0; k < c; k++) {
          const a00 = src[s0 + k]!,
            a01 = src[s0 + c + k]!,
            a02 = src[s0 + c2 + k]!,
            a03 = src[s0 + c3 + k]!;
          const a10 = src[s1 + k]!,
            a11 = src[s1 + c + k]!,
            a12 = src[s1 + c2 + k]!,
            a13 = src[s1 + c3 + k]!;
          const a20 = src[s2 + k]!,
            a21 = src[s2 + c + k]!,
            a22 = src[s2 + c2 + k]!,
            a23 = src[s2 + c3 + k]!;
          const a30 = src[s3 + k]!,
            a31 = src[s3 + c + k]!,
            a32 = src[s3 + c2 + k]!,
            a33 = src[s3 + c3 + k]!;
          // Bᵀ d: rows r0 − r2, r1 + r2, r2 − r1, r1 − r3.
          const b00 = a00 - a20,
            b01 = a01 - a21,
            b02 = a02 - a22,
            b03 = a03 - a23;
          const b10 = a10 + a20,
            b11 = a11 + a21,
            b12 = a12 + a22,
            b13 = a13 + a23;
          const b20 = a20 - a10,
            b21 = a21 - a11,
            b22 = a22 - a12,
            b23 = a23 - a13;
          const b30 = a10 - a30,
            b31 = a11 - a31,
            b32 = a12 - a32,
            b33 = a13 - a33;
          const i = t + k;
          // (Bᵀ d) B: the same combination of columns.
          v0[i] = b00 - b02;
          v1[i] = b01 + b02;
          v2[i] = b02 - b01;
          v3[i] = b01 - b03;
          v4[i] = b10 - b12;
          v5[i] = b11 + b12;
          v6[i] = b12 - b11;
          v7[i] = b11 - b13;
          v8[i] = b20 - b22;
          v9[i] = b21 + b22;
          v10[i] = b22 - b21;
          v11[i] = b21 - b23;
          v12[i] = b30 - b32;
          v13[i] = b31 + b32;
          v14[i] = b32 - b31;
          v15[i] = b31 - b33;
        }
        continue;
      }
      for (let dy = 0; dy < 4; dy++) {
        for (let dx = 0; dx < 4; dx++) {
          const iy = iy0 + dy;
          const ix = ix0 + dx;
          at[dy * 4 + dx] = iy >= 0 && iy < h && ix >= 0 && ix < w ? ((b * h + iy) * w + ix) * c : -1;
        }
      }
      for (let k = 0; k < c; k++) {
        for (let q = 0; q < 16; q++) patch[q] = at[q]! < 0 ? 0 : src[at[q]! + k]!;
        const b00 = patch[0]! - patch[8]!,
          b01 = patch[1]! - patch[9]!,
          b02 = patch[2]! - patch[10]!,
          b03 = patch[3]! - patch[11]!;
        const b10 = patch[4]! + patch[8]!,
          b11 = patch[5]! + patch[9]!,
          b12 = patch[6]! + patch[10]!,
          b13 = patch[7]! + patch[11]!;
        const b20 = patch[8]! - patch[4]!,
          b21 = patch[9]! - patch[5]!,
          b22 = patch[10]! - patch[6]!,
          b23 = patch[11]! - patch[7]!;
        const b30 = patch[4]! - patch[12]!,
          b31 = patch[5]! - patch[13]!,
          b32 = patch[6]! - patch[14]!,
          b33 = patch[7]! - patch[15]!;
        const i = t + k;
        v0[i] = b00 - b02;
        v1[i] = b01 + b02;
        v2[i] = b02 - b01;
        v3[i] = b01 - b03;
        v4[i] = b10 - b12;
        v5[i] = b11 + b12;
        v6[i] = b12 - b11;
        v7[i] = b11 - b13;
        v8[i] = b20 - b22;
        v9[i] = b21 + b22;
        v10[i] = b22 - b21;
        v11[i] = b21 - b23;
        v12[i] = b30 - b32;
        v13[i] = b31 + b32;
        v14[i] = b32 - b31;
        v15[i] = b31 - b33;
      }
    }
  }
}

/** out 2×2 block of tile t = Aᵀ M A, keeping pixels inside the output. */
function outputTransform(m: tf.Tensor2D[], out: tf.Tensor4D, b: number, ty0: number, rows: number, tilesX: number): void {
  const [, oh, ow, c] = out.shape;
  const dst = heapView(out);
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15] = m.map((t) => heapView(t)) as [
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
  const rowStride = ow * c;
  for (let r = 0; r < rows; r++) {
    const oy = 2 * (ty0 + r);
    const secondRow = oy + 1 < oh;
    for (let tx = 0; tx < tilesX; tx++) {
      const ox = 2 * tx;
      const secondCol = ox + 1 < ow;
      const t = (r * tilesX + tx) * c;
      const d0 = ((b * oh + oy) * ow + ox) * c;
      const d1 = d0 + rowStride;
      for (let k = 0; k < c; k++) {
        const i = t + k;
        // Aᵀ M: rows m0 + m1 + m2 and m1 − m2 − m3.
        const s0 = m0[i]! + m4[i]! + m8[i]!,
          s1 = m1[i]! + m5[i]! + m9[i]!,
          s2 = m2[i]! + m6[i]! + m10[i]!,
          s3 = m3[i]! + m7[i]! + m11[i]!;
        const e0 = m4[i]! - m8[i]! - m12[i]!,
          e1 = m5[i]! - m9[i]! - m13[i]!,
          e2 = m6[i]! - m10[i]! - m14[i]!,
          e3 = m7[i]! - m11[i]! - m15[i]!;
        dst[d0 + k] = s0 + s1 + s2;
        if (secondCol) dst[d0 + c + k] = s1 - s2 - s3;
        if (secondRow) {
          dst[d1 + k] = e0 + e1 + e2;
          if (secondCol) dst[d1 + c + k] = e1 - e2 - e3;
        }
      }
    }
  }
}

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
  for (let p = 0; p < TAPS; p++) u.push(allocateTensor<tf.Rank.R2>([rowsOut, colsOut]));
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

/**
 * Whether a conv is one this file runs: 3×3, stride 1, no dilation, and big enough that the
 * fixed costs (filter transform, XNNPACK packing 16 right operands, JS transforms) are repaid.
 * Measured on 2 threads: a forward conv at 32×32×256 is ~15% slower than XNNPACK's (which keeps
 * its packed filter across calls) and ~28% faster at 64×64×256; an input gradient is faster from
 * 16×16×256 and 32×32×128 up (the direct route rebuilds and repacks a flipped filter every call).
 * Below 128 channels it loses everywhere. A filter gradient ('filter', outPixels = N·OH·OW) pays
 * from WINOGRAD_MIN_FILTER_WORK on.
 */
export function winogradApplies(
  filterShape: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  outPixels: number,
  direction: 'forward' | 'input' | 'filter',
): boolean {
  const [kh, kw, ci, co] = filterShape as [number, number, number, number];
  return (
    enabled &&
    kh === 3 &&
    kw === 3 &&
    strides.every((s) => s === 1) &&
    dilations.every((d) => d === 1) &&
    ci >= WINOGRAD_MIN_CHANNELS &&
    co >= WINOGRAD_MIN_CHANNELS &&
    outPixels >= minPixels(direction, ci, co)
  );
}

function minPixels(direction: 'forward' | 'input' | 'filter', ci: number, co: number): number {
  if (direction === 'forward') return WINOGRAD_MIN_FORWARD_PIXELS;
  if (direction === 'input') return WINOGRAD_MIN_INPUT_PIXELS;
  return WINOGRAD_MIN_FILTER_WORK / (ci * co);
}
