import type * as tf from '@tensorflow/tfjs-core';
import { allocateTensor, heapView } from './wasm-heap.js';

/**
 * Data movement done as plain loops over the wasm heap. tfjs-backend-wasm 4.22's Reverse and
 * StridedSlice walk every element through generic index arithmetic (a 4×4×1024×512 filter took
 * ~590 ms to reverse and ~420 ms per strided slice), and its Slice/Pack copy their whole input out
 * of the heap first; these do the same jobs in one pass each.
 */

/** Above this many floats a run is copied with TypedArray.set; below it a loop is cheaper than the call. */
const SET_MIN_RUN = 24;

function copyRun(dst: Float32Array, dstAt: number, src: Float32Array, srcAt: number, len: number): void {
  if (len >= SET_MIN_RUN) {
    dst.set(src.subarray(srcAt, srcAt + len), dstAt);
  } else {
    for (let i = 0; i < len; i++) dst[dstAt + i] = src[srcAt + i]!;
  }
}

/**
 * The flipped, in/out-swapped taps of a conv filter [KH,KW,CI,CO] that one stride phase of its
 * input gradient uses: out[ty,tx,o,i] = filter[KH-1-(y0+ty*sy), KW-1-(x0+tx*sx), i, o], where
 * (y0, x0) index the flipped filter. Each tap is a CI×CO → CO×CI transpose, done in 32×32 blocks.
 */
export function flippedSubFilter(
  filter: tf.Tensor4D,
  y0: number,
  tapsY: number,
  strideY: number,
  x0: number,
  tapsX: number,
  strideX: number,
): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  const out = allocateTensor<tf.Rank.R4>([tapsY, tapsX, co, ci]);
  const src = heapView(filter);
  const dst = heapView(out);
  const block = 32;
  const tapSize = ci * co;
  for (let ty = 0; ty < tapsY; ty++) {
    const ky = kh - 1 - (y0 + ty * strideY);
    for (let tx = 0; tx < tapsX; tx++) {
      const kx = kw - 1 - (x0 + tx * strideX);
      const s = (ky * kw + kx) * tapSize;
      const d = (ty * tapsX + tx) * tapSize;
      for (let i0 = 0; i0 < ci; i0 += block) {
        const i1 = Math.min(ci, i0 + block);
        for (let o0 = 0; o0 < co; o0 += block) {
          const o1 = Math.min(co, o0 + block);
          for (let o = o0; o < o1; o++) {
            const dRow = d + o * ci;
            for (let i = i0; i < i1; i++) dst[dRow + i] = src[s + i * co + o]!;
          }
        }
      }
    }
  }
  return out;
}

/** x[:, y0:y0+rows, x0:x0+cols, :] of an NHWC tensor, copied row by row. */
export function sliceSpatial(x: tf.Tensor4D, y0: number, rows: number, x0: number, cols: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const out = allocateTensor<tf.Rank.R4>([n, rows, cols, c]);
  const src = heapView(x);
  const dst = heapView(out);
  const run = cols * c;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < rows; r++) {
      copyRun(dst, (b * rows + r) * run, src, ((b * h + y0 + r) * w + x0) * c, run);
    }
  }
  return out;
}

/**
 * out[n, j*sy + a, i*sx + b, c] = phases[a][b][n, j, i, c], keeping rows < height and columns <
 * width: the stride phases of a gradient woven back into one tensor.
 */
export function interleavePhases(phases: tf.Tensor4D[][], height: number, width: number): tf.Tensor4D {
  const sy = phases.length;
  const sx = phases[0]!.length;
  const [n, rows, cols, c] = phases[0]![0]!.shape;
  const out = allocateTensor<tf.Rank.R4>([n, height, width, c]);
  const dst = heapView(out);
  for (let a = 0; a < sy; a++) {
    for (let b = 0; b < sx; b++) {
      const src = heapView(phases[a]![b]!);
      for (let bn = 0; bn < n; bn++) {
        for (let j = 0; j < rows; j++) {
          const y = j * sy + a;
          if (y >= height) break;
          const dRow = (bn * height + y) * width;
          const sRow = (bn * rows + j) * cols;
          for (let i = 0; i < cols; i++) {
            const x = i * sx + b;
            if (x >= width) break;
            copyRun(dst, (dRow + x) * c, src, (sRow + i) * c, c);
          }
        }
      }
    }
  }
  return out;
}

/** A float32 tensor of zeros in the wasm heap. */
export function zerosInHeap(shape: number[]): tf.Tensor {
  const out = allocateTensor(shape);
  heapView(out).fill(0);
  return out;
}
