import type * as tf from '@tensorflow/tfjs-core';
import { asTensor } from './conv-geometry.js';
import { allocateTensor, heapView } from './wasm-heap.js';

/**
 * The gradient of ReflectionPad2d (pad p on H and W of NHWC): each padded position's dy is added
 * to the input position it mirrors. Registered for wasm only; other backends compose it from
 * slices (layers/reflect-pad.ts). On wasm that composition cost ~10 ms a call in Slice/Reverse
 * copies of the whole dy (≈480 calls per CycleGAN step); this is one pass: copy the centre, then
 * add the mirrored border columns and rows.
 */
export const REFLECT_PAD_GRAD = 'TandemReflectPadGrad';

export interface ReflectPadGradAttrs {
  pad: number;
}

export function reflectPadGrad(dy: tf.Tensor4D, pad: number): tf.Tensor4D {
  const [n, hp, wp, c] = dy.shape;
  const h = hp - 2 * pad;
  const w = wp - 2 * pad;
  const out = allocateTensor<tf.Rank.R4>([n, h, w, c]);
  const src = heapView(dy);
  const dst = heapView(out);
  const mirror = (i: number, size: number) => (i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i);
  const srcRow = (b: number, py: number) => (b * hp + py) * wp * c;
  const dstRow = (b: number, iy: number) => (b * h + iy) * w * c;
  // One padded row folded into an input row: its centre run plus its mirrored border columns.
  const foldRow = (s: number, d: number, assign: boolean) => {
    const centre = s + pad * c;
    if (assign) dst.set(src.subarray(centre, centre + w * c), d);
    else for (let i = 0; i < w * c; i++) dst[d + i]! += src[centre + i]!;
    for (let px = 0; px < wp; px++) {
      if (px >= pad && px < pad + w) continue;
      const t = d + mirror(px - pad, w) * c;
      const f = s + px * c;
      for (let k = 0; k < c; k++) dst[t + k]! += src[f + k]!;
    }
  };
  for (let b = 0; b < n; b++) {
    for (let iy = 0; iy < h; iy++) foldRow(srcRow(b, iy + pad), dstRow(b, iy), true);
    for (let py = 0; py < hp; py++) {
      if (py >= pad && py < pad + h) continue;
      foldRow(srcRow(b, py), dstRow(b, mirror(py - pad, h)), false);
    }
  }
  return out;
}

export const reflectPadGradKernel: tf.KernelConfig = {
  kernelName: REFLECT_PAD_GRAD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) => {
    const { dy } = inputs as { dy: tf.TensorInfo };
    return reflectPadGrad(asTensor<tf.Rank.R4>(dy), (attrs as unknown as ReflectPadGradAttrs).pad);
  },
};
