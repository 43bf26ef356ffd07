import type * as tf from '@tensorflow/tfjs-core';
import { heapView } from './wasm-heap.js';

/**
 * The tile transforms of Winograd's F(2×2, 3×3) (see winograd-conv.ts): 4×4 input tiles into the
 * transform domain (V = Bᵀ d B) and products back to 2×2 output blocks (Y = Aᵀ M A). Both read and
 * write the wasm heap in place, so the 16 position matrices are never copied between passes.
 */

/** Transform positions of a 4×4 tile: the number of matrices in V, M and U. */
export const WINOGRAD_TAPS = 16;

/** One conv for winogradConv2d: its input, its transformed filter and its output window. */
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

/** V[p][t, c] = (Bᵀ d B)[p] for the 4×4 input tile d of tile t, channel c (zeros outside x). */
export function inputTransform(conv: WinogradConv, v: tf.Tensor2D[], b: number, ty0: number, rows: number, tilesX: number): void {
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
export function outputTransform(m: tf.Tensor2D[], out: tf.Tensor4D, b: number, ty0: number, rows: number, tilesX: number): void {
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
