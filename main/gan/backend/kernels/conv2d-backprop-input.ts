import * as tf from '@tensorflow/tfjs-core';
import { type ConvAttrs, type ConvGeometry, convGeometry } from './conv-geometry.js';

type Shape4 = [number, number, number, number];

/**
 * dx of an NHWC conv2d as stride-1 forward convolutions, which run on XNNPACK's threaded conv.
 *
 * Along one axis with stride s, the input positions i ≡ a (mod s) only ever meet the taps
 * k ≡ (a + pad) (mod s). So dx splits into s*s phases, each a plain correlation of dy with the
 * matching sub-filter (spatially flipped, in/out channels swapped). That avoids the zero-inserted
 * upsampling a single transposed conv would need (3/4 of its multiplies are by zero at s=2).
 * Stride 1 is the one-phase case: a conv of dy with the flipped filter padded by k-1-pad.
 */
export function conv2dBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: Shape4, attrs: ConvAttrs): tf.Tensor4D {
  const g = convGeometry(inputShape, filter.shape, attrs);
  return tf.tidy(() => {
    // [KH, KW, CO, CI], flipped: a forward conv over dy (CO channels) producing CI channels.
    const flipped = tf.reverse(tf.transpose(filter, [0, 1, 3, 2]), [0, 1]) as tf.Tensor4D;
    const rowsPerPhase = Math.ceil(g.inHeight / g.strideHeight);
    const colsPerPhase = Math.ceil(g.inWidth / g.strideWidth);
    const phases: tf.Tensor4D[][] = [];
    for (let a = 0; a < g.strideHeight; a++) {
      const row: tf.Tensor4D[] = [];
      for (let b = 0; b < g.strideWidth; b++) {
        const ry = axisPhase(a, g.padTop, g.strideHeight, g.filterHeight, g.outHeight, rowsPerPhase);
        const rx = axisPhase(b, g.padLeft, g.strideWidth, g.filterWidth, g.outWidth, colsPerPhase);
        row.push(phaseConv(dy, flipped, g, ry, rx, rowsPerPhase, colsPerPhase));
      }
      phases.push(row);
    }
    if (phases.length === 1 && phases[0]!.length === 1) return phases[0]![0]!;
    return interleave(phases, g, rowsPerPhase, colsPerPhase);
  });
}

/** One axis of one phase: which flipped taps it uses and which dy span (with zero padding) it reads. */
interface AxisPhase {
  /** Number of taps of the phase; 0 when no tap lands on it (e.g. 1x1 filter, stride 2). */
  taps: number;
  /** First tap index in the flipped filter; taps step by the stride. */
  flippedStart: number;
  sliceStart: number;
  sliceEnd: number;
  padBefore: number;
  padAfter: number;
}

function axisPhase(a: number, pad: number, stride: number, kernel: number, dyLength: number, outLength: number): AxisPhase {
  const r = (a + pad) % stride;
  const taps = r < kernel ? Math.ceil((kernel - r) / stride) : 0;
  const c = (a + pad - r) / stride;
  const lo = c - (taps - 1);
  const hi = outLength - 1 + c;
  return {
    taps,
    flippedStart: kernel - 1 - r - (taps - 1) * stride,
    sliceStart: Math.max(0, lo),
    sliceEnd: Math.min(dyLength, hi + 1),
    padBefore: Math.max(0, -lo),
    padAfter: Math.max(0, hi + 1 - dyLength),
  };
}

function phaseConv(dy: tf.Tensor4D, flipped: tf.Tensor4D, g: ConvGeometry, ry: AxisPhase, rx: AxisPhase, rows: number, cols: number): tf.Tensor4D {
  const [kh, kw, co, ci] = flipped.shape;
  if (ry.taps === 0 || rx.taps === 0 || ry.sliceEnd <= ry.sliceStart || rx.sliceEnd <= rx.sliceStart) {
    return tf.zeros([g.batch, rows, cols, ci]);
  }
  const isWholeFilter = ry.taps === kh && rx.taps === kw;
  const subFilter = isWholeFilter
    ? flipped
    : (tf.stridedSlice(
        flipped,
        [ry.flippedStart, rx.flippedStart, 0, 0],
        [ry.flippedStart + (ry.taps - 1) * g.strideHeight + 1, rx.flippedStart + (rx.taps - 1) * g.strideWidth + 1, co, ci],
        [g.strideHeight, g.strideWidth, 1, 1],
      ) as tf.Tensor4D);
  const isWholeDy = ry.sliceStart === 0 && ry.sliceEnd === g.outHeight && rx.sliceStart === 0 && rx.sliceEnd === g.outWidth;
  const dySpan = isWholeDy
    ? dy
    : tf.slice(dy, [0, ry.sliceStart, rx.sliceStart, 0], [g.batch, ry.sliceEnd - ry.sliceStart, rx.sliceEnd - rx.sliceStart, co]);
  return tf.conv2d(dySpan, subFilter, 1, [[0, 0], [ry.padBefore, ry.padAfter], [rx.padBefore, rx.padAfter], [0, 0]]);
}

/** dx[n, j*sh + a, i*sw + b, c] = phases[a][b][n, j, i, c], cropped to the input size. */
function interleave(phases: tf.Tensor4D[][], g: ConvGeometry, rows: number, cols: number): tf.Tensor4D {
  const channels = phases[0]![0]!.shape[3];
  const byRow = phases.map((row) => tf.stack(row, 3)); // [N, rows, cols, sw, C]
  const woven = tf.reshape(tf.stack(byRow, 2), [g.batch, rows * g.strideHeight, cols * g.strideWidth, channels]) as tf.Tensor4D;
  if (rows * g.strideHeight === g.inHeight && cols * g.strideWidth === g.inWidth) return woven;
  return tf.slice(woven, [0, 0, 0, 0], [g.batch, g.inHeight, g.inWidth, channels]);
}
