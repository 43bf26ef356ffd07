import * as tf from '@tensorflow/tfjs-core';
import { TEMP_BUFFER_FLOATS } from './conv-geometry.js';
import { paddedPlanes } from './padded-planes.js';
import { allocateTensor, heapView } from './wasm-heap.js';

/**
 * The filter gradient of a 3×3, stride-1 conv by Winograd's F(2×2, 3×3), the adjoint of the
 * forward algorithm in winograd-conv.ts.
 *
 * Forward, per 2×2 output tile t and channel pair (c, o): y_t = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d_t B)] A,
 * exact for every filter g. With the loss L = Σ_t ⟨dy_t, y_t⟩ that gives
 *   ∂L/∂U = Σ_t (A dy_t Aᵀ) ⊙ V_t      (U = G g Gᵀ, V_t = Bᵀ d_t B)
 *   ∂L/∂g = Gᵀ (∂L/∂U) G
 * so, as 16 matMuls over the transform positions p:
 *   M[p][c, o] = Σ_t V_t[p][c] · W_t[p][o]   (Vt[p] [CI, T] · W[p] [T, CO], T tiles)
 *   dW[ky, kx, c, o] = (Gᵀ M[c, o] G)[ky, kx].
 * Output pixels beyond an odd output size are tiles' padding with dy = 0; input pixels outside x
 * are zeros, as in the forward transform. The tile count T is the products' inner dimension (the
 * pixels of im2col's, a quarter of them), and 16·2·CI·CO·T multiplies replace 9·2·CI·CO·4T.
 *
 * tfjs-backend-wasm sends only untransposed 2-D matMuls to XNNPACK, so V is written already
 * transposed ([CI, T]): from zero-padded NCHW planes of x, each channel's tiles are one row of
 * 16 contiguous output streams. Tile rows (over the whole batch) are taken in chunks that keep
 * Vt and W under tempBufferFloats, and each chunk's products are folded into dW at once.
 */
export function winogradFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  padTop: number,
  padLeft: number,
  tempBufferFloats = TEMP_BUFFER_FLOATS,
): tf.Tensor4D {
  const [n, , , ci] = x.shape;
  const [, oh, ow, co] = dy.shape;
  const tileRows = Math.ceil(oh / 2);
  const tilesX = Math.ceil(ow / 2);
  const totalRows = n * tileRows;
  const rowsPerChunk = Math.max(1, Math.min(totalRows, Math.floor(tempBufferFloats / (16 * tilesX * (ci + co)))));
  const hp = 2 * tileRows + 2;
  const wp = 2 * tilesX + 2;
  const planes = paddedPlanes(x, hp, wp, padTop, padLeft);
  const out = allocateTensor<tf.Rank.R4>([3, 3, ci, co]);
  heapView(out).fill(0);
  try {
    for (let r0 = 0; r0 < totalRows; r0 += rowsPerChunk) {
      const rows = Math.min(rowsPerChunk, totalRows - r0);
      const m = tf.tidy(() => {
        const vt: tf.Tensor2D[] = [];
        for (let p = 0; p < 16; p++) vt.push(allocateTensor<tf.Rank.R2>([ci, rows * tilesX]));
        const w: tf.Tensor2D[] = [];
        for (let p = 0; p < 16; p++) w.push(allocateTensor<tf.Rank.R2>([rows * tilesX, co]));
        inputTransformT(planes, vt, ci, hp, wp, tileRows, tilesX, r0, rows);
        gradientTransform(dy, w, tileRows, tilesX, r0, rows);
        return vt.map((v, p) => tf.matMul(v, w[p]!) as tf.Tensor2D);
      });
      try {
        foldIntoFilter(m, out);
      } finally {
        tf.dispose(m);
      }
    }
    return out;
  } catch (err) {
    out.dispose();
    throw err;
  } finally {
    planes.dispose();
  }
}

type Views16 = [
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

/** Vt[p][c, t] = (Bᵀ d B)[p] for the 4×4 tile d of tile t (global tile rows r0 … r0+rows) in channel c. */
function inputTransformT(
  planes: tf.Tensor1D,
  vt: tf.Tensor2D[],
  ci: number,
  hp: number,
  wp: number,
  tileRows: number,
  tilesX: number,
  r0: number,
  rows: number,
): void {
  const src = heapView(planes);
  const [v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15] = vt.map((t) => heapView(t)) as Views16;
  const tiles = rows * tilesX;
  for (let c = 0; c < ci; c++) {
    for (let r = 0; r < rows; r++) {
      const gr = r0 + r;
      const b = Math.floor(gr / tileRows);
      const ty = gr - b * tileRows;
      let s0 = ((b * ci + c) * hp + 2 * ty) * wp;
      let i = c * tiles + r * tilesX;
      for (let tx = 0; tx < tilesX; tx++, s0 += 2, i++) {
        const s1 = s0 + wp;
        const s2 = s1 + wp;
        const s3 = s2 + wp;
        const a00 = src[s0]!,
          a01 = src[s0 + 1]!,
          a02 = src[s0 + 2]!,
          a03 = src[s0 + 3]!;
        const a10 = src[s1]!,
          a11 = src[s1 + 1]!,
          a12 = src[s1 + 2]!,
          a13 = src[s1 + 3]!;
        const a20 = src[s2]!,
          a21 = src[s2 + 1]!,
          a22 = src[s2 + 2]!,
          a23 = src[s2 + 3]!;
        const a30 = src[s3]!,
          a31 = src[s3 + 1]!,
          a32 = src[s3 + 2]!,
          a33 = src[s3 + 3]!;
        // Bᵀ d: rows r0 − r2, r1 + r2, r2 − r1, r1 − r3 (as inputTransform in winograd-tile-transforms.ts).
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

/** W[p][t, o] = (A dy_t Aᵀ)[p] for the 2×2 dy tile of tile t (zeros beyond the output). */
function gradientTransform(dy: tf.Tensor4D, w: tf.Tensor2D[], tileRows: number, tilesX: number, r0: number, rows: number): void {
  const [, oh, ow, co] = dy.shape;
  const src = heapView(dy);
  const [w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w13, w14, w15] = w.map((t) => heapView(t)) as Views16;
  const rowStride = ow * co;
  for (let r = 0; r < rows; r++) {
    const gr = r0 + r;
    const b = Math.floor(gr / tileRows);
    const oy = 2 * (gr - b * tileRows);
    const secondRow = oy + 1 < oh;
    for (let tx = 0; tx < tilesX; tx++) {
      const ox = 2 * tx;
      const secondCol = ox + 1 < ow;
      const s0 = ((b * oh + oy) * ow + ox) * co;
      const s1 = s0 + rowStride;
      const t = (r * tilesX + tx) * co;
      for (let o = 0; o < co; o++) {
        const d00 = src[s0 + o]!;
        const d01 = secondCol ? src[s0 + co + o]! : 0;
        const d10 = secondRow ? src[s1 + o]! : 0;
        const d11 = secondRow && secondCol ? src[s1 + co + o]! : 0;
        // A dy: rows d_r0, d_r0 + d_r1, d_r0 − d_r1, −d_r1; then the same on columns.
        const e10 = d00 + d10,
          e11 = d01 + d11;
        const e20 = d00 - d10,
          e21 = d01 - d11;
        const i = t + o;
        w0[i] = d00;
        w1[i] = d00 + d01;
        w2[i] = d00 - d01;
        w3[i] = -d01;
        w4[i] = e10;
        w5[i] = e10 + e11;
        w6[i] = e10 - e11;
        w7[i] = -e11;
        w8[i] = e20;
        w9[i] = e20 + e21;
        w10[i] = e20 - e21;
        w11[i] = -e21;
        w12[i] = -d10;
        w13[i] = -d10 - d11;
        w14[i] = d11 - d10;
        w15[i] = d11;
      }
    }
  }
}

/** out[ky, kx] += (Gᵀ M G)[ky, kx] for every (c, o), M the 16 products [CI, CO]. */
function foldIntoFilter(m: tf.Tensor2D[], out: tf.Tensor4D): void {
  const dst = heapView(out);
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15] = m.map((t) => heapView(t)) as Views16;
  const tap = m0.length;
  for (let i = 0; i < tap; i++) {
    // Gᵀ M: rows m_r0 + ½(m_r1 + m_r2), ½(m_r1 − m_r2), ½(m_r1 + m_r2) + m_r3.
    const p0 = 0.5 * (m4[i]! + m8[i]!),
      p1 = 0.5 * (m5[i]! + m9[i]!),
      p2 = 0.5 * (m6[i]! + m10[i]!),
      p3 = 0.5 * (m7[i]! + m11[i]!);
    const q0 = 0.5 * (m4[i]! - m8[i]!),
      q1 = 0.5 * (m5[i]! - m9[i]!),
      q2 = 0.5 * (m6[i]! - m10[i]!),
      q3 = 0.5 * (m7[i]! - m11[i]!);
    const a0 = m0[i]! + p0,
      a1 = m1[i]! + p1,
      a2 = m2[i]! + p2,
      a3 = m3[i]! + p3;
    const c0 = p0 + m12[i]!,
      c1 = p1 + m13[i]!,
      c2 = p2 + m14[i]!,
      c3 = p3 + m15[i]!;
    // (·) G: columns u0 + ½(u1 + u2), ½(u1 − u2), ½(u1 + u2) + u3.
    const ah = 0.5 * (a1 + a2),
      qh = 0.5 * (q1 + q2),
      ch = 0.5 * (c1 + c2);
    const g00 = a0 + ah,
      g01 = 0.5 * (a1 - a2),
      g02 = ah + a3;
    const g10 = q0 + qh,
      g11 = 0.5 * (q1 - q2),
      g12 = qh + q3;
    const g20 = c0 + ch,
      g21 = 0.5 * (c1 - c2),
      g22 = ch + c3;
    dst[i] = dst[i]! + g00;
    dst[tap + i] = dst[tap + i]! + g01;
    dst[2 * tap + i] = dst[2 * tap + i]! + g02;
    dst[3 * tap + i] = dst[3 * tap + i]! + g10;
    dst[4 * tap + i] = dst[4 * tap + i]! + g11;
    dst[5 * tap + i] = dst[5 * tap + i]! + g12;
    dst[6 * tap + i] = dst[6 * tap + i]! + g20;
    dst[7 * tap + i] = dst[7 * tap + i]! + g21;
    dst[8 * tap + i] = dst[8 * tap + i]! + g22;
  }
}
