import * as tf from '@tensorflow/tfjs-core';
import { type ConvAttrs, type ConvGeometry, TEMP_BUFFER_FLOATS, convGeometry } from './conv-geometry.js';
import { paddedPlanes } from './padded-planes.js';
import { allocateTensor, heapView } from './wasm-heap.js';
import { winogradApplies } from './winograd-applicability.js';
import { winogradFilterGradient } from './winograd-filter-grad.js';

type Shape4 = [number, number, number, number];

/**
 * dW[(ky,kx,ci), co] = Σ_m colsT[(ky,kx,ci), m] · dy[m, co] over output pixels m = (n, oy, ox),
 * where colsT is the transposed im2col of x. That is one plain, untransposed 2-D matMul whose
 * result is already the filter layout [KH·KW·CI, CO]. Only such matMuls reach XNNPACK (and its
 * thread pool) in tfjs-backend-wasm; with the pixels as the inner dimension and dy (small, CO
 * wide) as the packed right operand it runs near forward-conv speed, where the earlier per-tap
 * dyᵀ·X_tap products (nine narrow matMuls, 9× the weight packing) ran at a third of it.
 *
 * colsT rows are gathered from x transposed once to NCHW, so each row is a run of contiguous
 * pixels (zeros for padding, strides by skipping). Output rows are taken in chunks so colsT and
 * the dy chunk stay under tempBufferFloats; chunk products are summed.
 *
 * 3×3 stride-1 filter gradients with many channels go to Winograd instead (winograd-filter-grad.ts).
 */
export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: Shape4,
  attrs: ConvAttrs,
  tempBufferFloats = TEMP_BUFFER_FLOATS,
): tf.Tensor4D {
  const g = convGeometry(x.shape, filterShape, attrs);
  if (winogradApplies(filterShape, [g.strideHeight, g.strideWidth], [1, 1], g.batch * g.outHeight * g.outWidth, 'filter')) {
    return winogradFilterGradient(x, dy, g.padTop, g.padLeft, tempBufferFloats);
  }
  if (g.strideHeight === 1 && g.strideWidth === 1) return wideRowsBackpropFilter(x, dy, g, tempBufferFloats);
  const { batch: n, inChannels: ci, outChannels: co, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = g;
  const colsPerPixel = Math.max(kh * kw * ci, co);
  const rowsPerChunk = Math.max(1, Math.min(oh, Math.floor(tempBufferFloats / (n * ow * colsPerPixel))));
  const xT = tf.transpose(x, [0, 3, 1, 2]) as tf.Tensor4D;
  try {
    return sumOverRowChunks(
      oh,
      rowsPerChunk,
      [kh, kw, ci, co],
      (oy0, rows) => tf.matMul(gatherColsT(xT, g, oy0, rows), outputRows(dy, oy0, rows)) as tf.Tensor2D,
    );
  } finally {
    xT.dispose();
  }
}

/**
 * dy[:, oy0 : oy0+rows] as a fresh [M, CO] matrix. Always a copy: XNNPACK caches the packed right
 * operand until its tensor is disposed, and this one is disposed right after its product.
 */
function outputRows(dy: tf.Tensor4D, oy0: number, rows: number): tf.Tensor2D {
  const [n, oh, ow, co] = dy.shape;
  const out = allocateTensor<tf.Rank.R2>([n * rows * ow, co]);
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
 * colsT[(ky,kx,c), (b,r,ox)] = x[b, (oy0+r)*sh + ky - padTop, ox*sw + kx - padLeft, c], zero
 * outside x, read from xT = x in NCHW so that each (row, tap, channel) is one contiguous run.
 */
function gatherColsT(xT: tf.Tensor4D, g: ConvGeometry, oy0: number, rows: number): tf.Tensor2D {
  const {
    batch: n,
    inHeight: h,
    inWidth: w,
    inChannels: ci,
    outWidth: ow,
    strideHeight: sh,
    strideWidth: sw,
    filterHeight: kh,
    filterWidth: kw,
  } = g;
  const m = n * rows * ow;
  const out = allocateTensor<tf.Rank.R2>([kh * kw * ci, m]);
  const src = heapView(xT);
  const dst = heapView(out);
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      // Output columns whose source column lies inside x: ox in [oxLo, oxHi).
      const colOffset = kx - g.padLeft;
      const oxLo = Math.min(ow, Math.max(0, Math.ceil(-colOffset / sw)));
      const oxHi = Math.max(oxLo, Math.min(ow, Math.floor((w - 1 - colOffset) / sw) + 1));
      const first = oxLo * sw + colOffset;
      const span = oxHi - oxLo;
      for (let c = 0; c < ci; c++) {
        const rowBase = ((ky * kw + kx) * ci + c) * m;
        for (let b = 0; b < n; b++) {
          const plane = (b * ci + c) * h;
          for (let r = 0; r < rows; r++) {
            const d = rowBase + (b * rows + r) * ow;
            const iy = (oy0 + r) * sh + ky - g.padTop;
            if (iy < 0 || iy >= h || span === 0) {
              dst.fill(0, d, d + ow);
              continue;
            }
            for (let ox = 0; ox < oxLo; ox++) dst[d + ox] = 0;
            for (let ox = oxHi; ox < ow; ox++) dst[d + ox] = 0;
            const s = (plane + iy) * w + first;
            if (sw === 1) {
              if (span >= 24) dst.set(src.subarray(s, s + span), d + oxLo);
              else for (let i = 0; i < span; i++) dst[d + oxLo + i] = src[s + i]!;
            } else {
              for (let i = 0; i < span; i++) dst[d + oxLo + i] = src[s + i * sw]!;
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * Stride 1: the same product over "wide" output rows of OW + KW − 1 columns, the extra columns
 * having dy = 0. Then every colsT row (tap, channel, output-row chunk) is ONE contiguous run of a
 * zero-padded NCHW copy of x, copied with a single TypedArray.set, instead of one run per output
 * row (the 7×7 convs at 256² have 3136 × 256 such rows per chunk). The extra columns read values
 * that meet only zeros of dy; the matMul does (OW + KW − 1)/OW of the work (2–6% here).
 */
function wideRowsBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry, tempBufferFloats: number): tf.Tensor4D {
  const { batch: n, inChannels: ci, outChannels: co, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = g;
  const wd = ow + kw - 1;
  const hp = oh + kh - 1;
  const k = kh * kw * ci;
  const rowsPerChunk = Math.max(1, Math.min(oh, Math.floor(tempBufferFloats / (n * wd * Math.max(k, co)))));
  // KW spare zeros at the end: the last wide run of the last plane reaches into them.
  const xp = paddedPlanes(x, hp, wd, g.padTop, g.padLeft, g.filterWidth);
  try {
    return sumOverRowChunks(
      oh,
      rowsPerChunk,
      [kh, kw, ci, co],
      (oy0, rows) => tf.matMul(wideColsT(xp, g, hp, wd, oy0, rows), wideOutputRows(dy, wd, oy0, rows)) as tf.Tensor2D,
    );
  } finally {
    xp.dispose();
  }
}

/**
 * Sums one matMul per chunk of output rows, so no temporary grows with the image; the partial
 * products are freed as they are added. Returns the sum reshaped to the filter's shape.
 */
function sumOverRowChunks(
  outRows: number,
  rowsPerChunk: number,
  filterShape: [number, number, number, number],
  chunk: (firstRow: number, rows: number) => tf.Tensor2D,
): tf.Tensor4D {
  let sum: tf.Tensor2D | null = null;
  try {
    for (let oy0 = 0; oy0 < outRows; oy0 += rowsPerChunk) {
      const rows = Math.min(rowsPerChunk, outRows - oy0);
      const part = tf.tidy(() => chunk(oy0, rows));
      if (sum === null) {
        sum = part;
      } else {
        const previous: tf.Tensor2D = sum;
        sum = tf.add(previous, part) as tf.Tensor2D;
        tf.dispose([previous, part]);
      }
    }
    return tf.reshape(sum!, filterShape) as tf.Tensor4D;
  } finally {
    (sum as tf.Tensor2D | null)?.dispose();
  }
}

/** colsT[(ky,kx,c), (b,r,ox')] = planes[b, c, oy0 + r + ky, ox' + kx] for ox' < WD: one run per row. */
function wideColsT(xp: tf.Tensor1D, g: ConvGeometry, hp: number, wd: number, oy0: number, rows: number): tf.Tensor2D {
  const { batch: n, inChannels: ci, filterHeight: kh, filterWidth: kw } = g;
  const m = n * rows * wd;
  const run = rows * wd;
  const out = allocateTensor<tf.Rank.R2>([kh * kw * ci, m]);
  const src = heapView(xp);
  const dst = heapView(out);
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      for (let c = 0; c < ci; c++) {
        const rowBase = ((ky * kw + kx) * ci + c) * m;
        for (let b = 0; b < n; b++) {
          const from = ((b * ci + c) * hp + oy0 + ky) * wd + kx;
          dst.set(src.subarray(from, from + run), rowBase + b * run);
        }
      }
    }
  }
  return out;
}

/** dy[:, oy0 : oy0+rows] as [(b, r, ox'), CO] with zero rows for the wide columns ox' ≥ OW. */
function wideOutputRows(dy: tf.Tensor4D, wd: number, oy0: number, rows: number): tf.Tensor2D {
  const [n, oh, ow, co] = dy.shape;
  const out = allocateTensor<tf.Rank.R2>([n * rows * wd, co]);
  const src = heapView(dy);
  const dst = heapView(out);
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < rows; r++) {
      const d = (b * rows + r) * wd * co;
      const s = (b * oh + oy0 + r) * ow * co;
      dst.set(src.subarray(s, s + ow * co), d);
      dst.fill(0, d + ow * co, d + wd * co);
    }
  }
  return out;
}
