import type * as tf from '@tensorflow/tfjs-core';
import { allocateTensor, heapView } from './wasm-heap.js';

/**
 * NHWC x as zero-padded channel planes [N, CI, HP, WP] (plus `tail` spare zeros at the end):
 * planes[b, c, y, x'] = x[b, y − padTop, x' − padLeft, c]. Rows and columns outside x (padding, or
 * beyond what a 'valid' conv reads) are zero. Both filter-gradient paths read x this way.
 */
export function paddedPlanes(x: tf.Tensor4D, hp: number, wp: number, padTop: number, padLeft: number, tail = 0): tf.Tensor1D {
  const [n, h, w, ci] = x.shape;
  const plane = hp * wp;
  const out = allocateTensor<tf.Rank.R1>([n * ci * plane + tail]);
  const src = heapView(x);
  const dst = heapView(out);
  dst.fill(0);
  const yLo = Math.max(0, -padTop);
  const yHi = Math.min(h, hp - padTop);
  const xLo = Math.max(0, -padLeft);
  const xHi = Math.min(w, wp - padLeft);
  for (let b = 0; b < n; b++) {
    for (let iy = yLo; iy < yHi; iy++) {
      const rowOut = (b * ci * hp + iy + padTop) * wp + padLeft;
      let s = ((b * h + iy) * w + xLo) * ci;
      for (let ix = xLo; ix < xHi; ix++) {
        let d = rowOut + ix;
        for (let c = 0; c < ci; c++) {
          dst[d] = src[s + c]!;
          d += plane;
        }
        s += ci;
      }
    }
  }
  return out;
}
