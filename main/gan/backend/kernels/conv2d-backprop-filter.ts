import * as tf from '@tensorflow/tfjs-core';
import { type ConvAttrs, type ConvGeometry, TEMP_BUFFER_FLOATS, convGeometry } from './conv-geometry.js';
import { allocateTensor, heapView } from './wasm-heap.js';

type Shape4 = [number, number, number, number];

/**
 * dW[ky,kx,ci,co] = sum over (n,oy,ox) of xPadded[n, oy*s+ky, ox*s+kx, ci] * dy[n,oy,ox,co],
 * computed per tap as dWᵀ_tap[CO x CI] = dyᵀ[CO x M] · X_tap[M x CI], M = N·OH·OW.
 *
 * Only plain, untransposed 2-D matMuls reach XNNPACK (and its thread pool) in tfjs-backend-wasm;
 * transposed or batched ones fall to a naive single-threaded loop. With dyᵀ on the left (built
 * once per row chunk) and the tap's pixels on the right, every product is of that plain kind, and
 * X_tap is gathered straight from x in the wasm heap (padding as zeros, strides by skipping)
 * without materialising a padded copy of x. Output rows are processed in chunks so no gathered
 * tap exceeds TEMP_BUFFER_FLOATS.
 */
export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: Shape4,
  attrs: ConvAttrs,
  tempBufferFloats = TEMP_BUFFER_FLOATS,
): tf.Tensor4D {
  const g = convGeometry(x.shape, filterShape, attrs);
  const { batch: n, inChannels: ci, outChannels: co, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = g;
  const rowsPerChunk = Math.max(1, Math.min(oh, Math.floor(tempBufferFloats / (n * ow * Math.max(ci, co)))));
  let tapSums: tf.Tensor2D[] | null = null;

  try {
    for (let oy0 = 0; oy0 < oh; oy0 += rowsPerChunk) {
      const rows = Math.min(rowsPerChunk, oh - oy0);
      const m = n * rows * ow;
      const dyT = tf.tidy(() => tf.transpose(tf.reshape(outputRows(dy, oy0, rows), [m, co]) as tf.Tensor2D));
      const chunkSums: tf.Tensor2D[] = [];
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          chunkSums.push(
            tf.tidy(() => tf.matMul(dyT, gatherTap(x, g, ky, kx, oy0, rows))),
          );
        }
      }
      dyT.dispose();
      if (tapSums === null) {
        tapSums = chunkSums;
      } else {
        const previous: tf.Tensor2D[] = tapSums;
        tapSums = previous.map((sum, i) => tf.add(sum, chunkSums[i]!));
        tf.dispose([...previous, ...chunkSums]);
      }
    }
    const sums = tapSums!;
    return tf.tidy(() => tf.reshape(tf.transpose(tf.stack(sums), [0, 2, 1]), [kh, kw, ci, co]) as tf.Tensor4D);
  } finally {
    if (tapSums) tf.dispose(tapSums);
  }
}

/** dy[:, oy0 : oy0+rows] (the whole of dy when it is all one chunk). */
function outputRows(dy: tf.Tensor4D, oy0: number, rows: number): tf.Tensor4D {
  const [n, oh, ow, co] = dy.shape;
  if (oy0 === 0 && rows === oh) return dy;
  const out = allocateTensor<tf.Rank.R4>([n, rows, ow, co]);
  const src = heapView(dy);
  const dst = heapView(out);
  const run = rows * ow * co;
  for (let b = 0; b < n; b++) {
    const from = (b * oh + oy0) * ow * co;
    dst.set(src.subarray(from, from + run), b * run);
  }
  return out;
}

/**
 * X_tap[(n, r, ox), ci] = x[n, (oy0+r)*sh + ky - padTop, ox*sw + kx - padLeft, ci], zero outside x.
 * Channels are contiguous in NHWC, so each output pixel is one run of CI floats; at stride 1 a
 * whole output row is a single run.
 */
function gatherTap(x: tf.Tensor4D, g: ConvGeometry, ky: number, kx: number, oy0: number, rows: number): tf.Tensor2D {
  const { batch: n, inHeight: h, inWidth: w, inChannels: c, outWidth: ow, strideHeight: sh, strideWidth: sw } = g;
  const out = allocateTensor<tf.Rank.R2>([n * rows * ow, c]);
  const src = heapView(x);
  const dst = heapView(out);
  // Output columns whose source column lies inside x: ox in [oxLo, oxHi).
  const colOffset = kx - g.padLeft;
  const oxLo = Math.min(ow, Math.max(0, Math.ceil(-colOffset / sw)));
  const oxHi = Math.max(oxLo, Math.min(ow, Math.floor((w - 1 - colOffset) / sw) + 1));
  const rowFloats = ow * c;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < rows; r++) {
      const rowStart = ((b * rows) + r) * rowFloats;
      const iy = (oy0 + r) * sh + ky - g.padTop;
      if (iy < 0 || iy >= h || oxLo === oxHi) {
        dst.fill(0, rowStart, rowStart + rowFloats);
        continue;
      }
      if (oxLo > 0) dst.fill(0, rowStart, rowStart + oxLo * c);
      if (oxHi < ow) dst.fill(0, rowStart + oxHi * c, rowStart + rowFloats);
      const srcRow = (b * h + iy) * w * c;
      if (sw === 1) {
        const from = srcRow + (oxLo + colOffset) * c;
        dst.set(src.subarray(from, from + (oxHi - oxLo) * c), rowStart + oxLo * c);
      } else {
        for (let ox = oxLo; ox < oxHi; ox++) {
          const from = srcRow + (ox * sw + colOffset) * c;
          dst.set(src.subarray(from, from + c), rowStart + ox * c);
        }
      }
    }
  }
  return out;
}
