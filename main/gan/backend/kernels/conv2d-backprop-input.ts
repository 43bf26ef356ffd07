import * as tf from '@tensorflow/tfjs-core';
import { type ConvAttrs, type ConvGeometry, TEMP_BUFFER_FLOATS, convGeometry } from './conv-geometry.js';
import { flippedSubFilter, interleavePhases, sliceSpatial, zerosInHeap } from './heap-copies.js';
import { allocateTensor, heapView } from './wasm-heap.js';
import { winogradApplies } from './winograd-applicability.js';
import { winogradConv2d } from './winograd-conv.js';
import { winogradFilter } from './winograd-filter-transform.js';

type Shape4 = [number, number, number, number];

/**
 * dx of an NHWC conv2d as stride-1 forward convolutions, which run on XNNPACK's threaded conv.
 *
 * Along one axis with stride s, the input positions i ≡ a (mod s) only ever meet the taps
 * k ≡ (a + pad) (mod s). So dx splits into s*s phases, each a plain correlation of dy with the
 * matching sub-filter (spatially flipped, in/out channels swapped). That avoids the zero-inserted
 * upsampling a single transposed conv would need (3/4 of its multiplies are by zero at s=2).
 * Stride 1 is the one-phase case: a conv of dy with the flipped filter padded by k-1-pad.
 *
 * Each phase's sub-filter, the dy spans and the final weave are built by single JS passes over the
 * wasm heap (heap-copies.ts): the stock Reverse/StridedSlice/Pack they replace cost more than the
 * convolutions themselves on the U-Net's 4×4×1024×512 filters.
 */
export function conv2dBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: Shape4, attrs: ConvAttrs): tf.Tensor4D {
  const g = convGeometry(inputShape, filter.shape, attrs);
  if (prefersGemm(g)) return tf.tidy(() => gemmCol2im(dy, filter, g));
  if (
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    winogradApplies(filter.shape, [1, 1], [1, 1], g.batch * g.inHeight * g.inWidth, 'input')
  ) {
    // One stride phase: dy correlated with the flipped, in/out-swapped filter, padded by 2 − pad.
    const u = winogradFilter(filter, true);
    try {
      return winogradConv2d({ x: dy, u, outHeight: g.inHeight, outWidth: g.inWidth, padTop: 2 - g.padTop, padLeft: 2 - g.padLeft });
    } finally {
      tf.dispose(u);
    }
  }
  return tf.tidy(() => {
    const rowsPerPhase = Math.ceil(g.inHeight / g.strideHeight);
    const colsPerPhase = Math.ceil(g.inWidth / g.strideWidth);
    const phases: tf.Tensor4D[][] = [];
    for (let a = 0; a < g.strideHeight; a++) {
      const row: tf.Tensor4D[] = [];
      for (let b = 0; b < g.strideWidth; b++) {
        const ry = axisPhase(a, g.padTop, g.strideHeight, g.filterHeight, g.outHeight, rowsPerPhase);
        const rx = axisPhase(b, g.padLeft, g.strideWidth, g.filterWidth, g.outWidth, colsPerPhase);
        row.push(phaseConv(dy, filter, g, ry, rx, rowsPerPhase, colsPerPhase));
      }
      phases.push(row);
    }
    if (phases.length === 1 && phases[0]!.length === 1) return phases[0]![0]!;
    return interleavePhases(phases, g.inHeight, g.inWidth);
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

function phaseConv(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  g: ConvGeometry,
  ry: AxisPhase,
  rx: AxisPhase,
  rows: number,
  cols: number,
): tf.Tensor4D {
  const ci = filter.shape[2];
  if (ry.taps === 0 || rx.taps === 0 || ry.sliceEnd <= ry.sliceStart || rx.sliceEnd <= rx.sliceStart) {
    return zerosInHeap([g.batch, rows, cols, ci]) as tf.Tensor4D;
  }
  // [taps_y, taps_x, CO, CI]: a forward conv over dy (CO channels) producing CI channels.
  const subFilter = flippedSubFilter(filter, ry.flippedStart, ry.taps, g.strideHeight, rx.flippedStart, rx.taps, g.strideWidth);
  const isWholeDy = ry.sliceStart === 0 && ry.sliceEnd === g.outHeight && rx.sliceStart === 0 && rx.sliceEnd === g.outWidth;
  const dySpan = isWholeDy ? dy : sliceSpatial(dy, ry.sliceStart, ry.sliceEnd - ry.sliceStart, rx.sliceStart, rx.sliceEnd - rx.sliceStart);
  return tf.conv2d(dySpan, subFilter, 1, [
    [0, 0],
    [ry.padBefore, ry.padAfter],
    [rx.padBefore, rx.padAfter],
    [0, 0],
  ]);
}

/**
 * Few dy pixels and a big filter (the U-Net's inner up-convs: dy 1×1…16×16, filters up to
 * 4×4×512×1024): building flipped sub-filters (and XNNPACK packing them) costs more than the
 * whole product. Then dx is cheaper as colsT = W[(ky,kx,ci), co] · dyᵀ[co, m] (the filter as the
 * unpacked left operand, as stored) followed by a col2im scatter-add of K·CI·M values.
 */
function prefersGemm(g: ConvGeometry): boolean {
  const pixels = g.batch * g.outHeight * g.outWidth;
  const cols = g.filterHeight * g.filterWidth * g.inChannels * pixels;
  return pixels <= g.outChannels && cols <= TEMP_BUFFER_FLOATS;
}

function gemmCol2im(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const { batch: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = g;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padTop, padLeft } = g;
  const m = n * oh * ow;
  const dyT = tf.transpose(tf.reshape(dy, [m, co])) as tf.Tensor2D;
  const colsT = tf.matMul(tf.reshape(filter, [kh * kw * ci, co]) as tf.Tensor2D, dyT);
  const out = allocateTensor<tf.Rank.R4>([n, h, w, ci]);
  const src = heapView(colsT);
  const dst = heapView(out);
  dst.fill(0);
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      for (let b = 0; b < n; b++) {
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh + ky - padTop;
          if (iy < 0 || iy >= h) continue;
          for (let ox = 0; ox < ow; ox++) {
            const ix = ox * sw + kx - padLeft;
            if (ix < 0 || ix >= w) continue;
            const d = ((b * h + iy) * w + ix) * ci;
            const s = (ky * kw + kx) * ci * m + (b * oh + oy) * ow + ox;
            for (let c = 0; c < ci; c++) dst[d + c]! += src[s + c * m]!;
          }
        }
      }
    }
  }
  return out;
}
