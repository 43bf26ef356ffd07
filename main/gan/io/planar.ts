/**
 * Images as planes (NCHW) for onnxruntime and the staged translator: conversion from and to the
 * HWC layout the rest of Tandem uses, and the mirror padding that brings a size to the multiple a
 * generator needs (as translateBatch does on tfjs), then cropping back.
 */

/** Padding before and after that brings `size` to a multiple of `multiple` (the extra pixel after). */
export function padAmounts(size: number, multiple: number): [number, number] {
  const total = Math.ceil(size / multiple) * multiple - size;
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Symmetric mirror (as tf.mirrorPad 'symmetric', repeated for pads larger than the image). */
export function mirror(i: number, n: number): number {
  const period = 2 * n;
  const j = ((i % period) + period) % period;
  return j < n ? j : period - 1 - j;
}

export function padNchw(
  x: Float32Array,
  n: number,
  c: number,
  h: number,
  w: number,
  ph: [number, number],
  pw: [number, number],
): Float32Array {
  if (ph[0] + ph[1] + pw[0] + pw[1] === 0) return x;
  const H = h + ph[0] + ph[1];
  const W = w + pw[0] + pw[1];
  const out = new Float32Array(n * c * H * W);
  const cols = Int32Array.from({ length: W }, (_, j) => mirror(j - pw[0], w));
  for (let p = 0; p < n * c; p++) {
    for (let y = 0; y < H; y++) {
      const src = p * h * w + mirror(y - ph[0], h) * w;
      const dst = (p * H + y) * W;
      for (let j = 0; j < W; j++) out[dst + j] = x[src + cols[j]!]!;
    }
  }
  return out;
}

export function cropNchw(
  x: Float32Array,
  n: number,
  c: number,
  H: number,
  W: number,
  ph: [number, number],
  pw: [number, number],
  h: number,
  w: number,
): Float32Array {
  if (H === h && W === w) return x;
  const out = new Float32Array(n * c * h * w);
  for (let p = 0; p < n * c; p++) {
    for (let y = 0; y < h; y++) out.set(x.subarray((p * H + y + ph[0]) * W + pw[0], (p * H + y + ph[0]) * W + pw[0] + w), (p * h + y) * w);
  }
  return out;
}

export function hwcToNchw(images: readonly Float32Array[], c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(images.length * c * h * w);
  images.forEach((img, b) => {
    if (img.length !== h * w * c) throw new Error(`image ${b} has ${img.length} values; ${w}×${h}×${c} expected`);
    for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) out[(b * c + k) * h * w + i] = img[i * c + k]!;
  });
  return out;
}

export function nchwToHwc(x: Float32Array, n: number, c: number, h: number, w: number): Float32Array[] {
  return Array.from({ length: n }, (_, b) => {
    const img = new Float32Array(h * w * c);
    for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) img[i * c + k] = x[(b * c + k) * h * w + i]!;
    return img;
  });
}

/** One HWC image as a mirror-padded NCHW batch of one, its padded size, and the padding (to crop back). */
export function padImageNchw(
  image: { data: Float32Array; height: number; width: number },
  channels: number,
  multiple: number,
): { data: Float32Array; height: number; width: number; ph: [number, number]; pw: [number, number] } {
  const ph = padAmounts(image.height, multiple);
  const pw = padAmounts(image.width, multiple);
  const data = padNchw(hwcToNchw([image.data], channels, image.height, image.width), 1, channels, image.height, image.width, ph, pw);
  return { data, height: image.height + ph[0] + ph[1], width: image.width + pw[0] + pw[1], ph, pw };
}
