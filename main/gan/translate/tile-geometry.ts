import { BLUR_POOL } from '../networks/geometry.js';
import type { StageOp } from './stage-program.js';

/**
 * Where a tile's values are exact. Along one axis a tile's tensor covers `extent` of the whole
 * map (at the tensor's own resolution) and equals the whole-image computation on `valid`: values
 * near an edge inside the image were computed from padding instead of the neighbouring pixels.
 * Ops pad every side of a tile as they pad the image; at the image's own borders that padding is
 * the image's, so validity reaches the border there.
 */
export interface Span {
  start: number;
  end: number;
}

export interface AxisState {
  extent: Span;
  valid: Span;
  /** The whole map's length at this point. */
  size: number;
}

/**
 * An op's footprint along one axis. Reflection padding is merged into the conv it feeds; CUT's blur
 * pool is such a pair (reflection pad 1, a 3-tap filter at stride 2). `upsample` is CUT's blurred ×2
 * (bilinear, half-pixel centres): output 2i reads inputs i−1 and i, output 2i+1 reads i and i+1,
 * the image's edge pixel repeated past its border.
 */
export type AxisOp =
  | { kind: 'conv'; kernel: number; stride: number; pad: number }
  | { kind: 'convTranspose'; kernel: number; stride: number; pad: number; outputPad: number }
  | { kind: 'upsample' }
  | { kind: 'pointwise' };

const BLUR_POOL_AXIS: AxisOp = { kind: 'conv', kernel: BLUR_POOL.blur.kernel, stride: BLUR_POOL.blur.stride, pad: BLUR_POOL.pad };

export function axisOps(ops: readonly StageOp[]): AxisOp[] {
  const out: AxisOp[] = [];
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.op === 'reflectPad') {
      const next = ops[i + 1];
      if (next?.op !== 'conv' || next.padding !== 0) throw new Error('reflection padding must feed an unpadded conv');
      out.push({ kind: 'conv', kernel: next.kernel, stride: next.stride, pad: o.pad });
      i++;
    } else if (o.op === 'conv') out.push({ kind: 'conv', kernel: o.kernel, stride: o.stride, pad: o.padding });
    else if (o.op === 'convTranspose')
      out.push({ kind: 'convTranspose', kernel: o.kernel, stride: o.stride, pad: o.padding, outputPad: o.outputPadding });
    else if (o.op === 'blurPool') out.push(BLUR_POOL_AXIS);
    else if (o.op === 'upsample') out.push({ kind: 'upsample' });
    else out.push({ kind: 'pointwise' });
  }
  return out;
}

const span = (start: number, end: number): Span => ({ start, end: Math.max(start, end) });

/** The map's length after an op. */
export function sizeAfter(op: AxisOp, size: number): number {
  switch (op.kind) {
    case 'conv':
      return Math.floor((size + 2 * op.pad - op.kernel) / op.stride) + 1;
    case 'convTranspose':
      return (size - 1) * op.stride - 2 * op.pad + op.kernel + op.outputPad;
    case 'upsample':
      return 2 * size;
    case 'pointwise':
      return size;
  }
}

/** What a tile covers, and where it is exact, after an op. */
export function forward(op: AxisOp, s: AxisState): AxisState {
  const { extent: e, valid: v, size } = s;
  const n = e.end - e.start;
  switch (op.kind) {
    case 'pointwise':
      return s;
    case 'conv': {
      const { kernel: k, stride: st, pad: p } = op;
      if (e.start % st !== 0) throw new Error(`a tile starting at ${e.start} is off a stride-${st} conv's grid`);
      const count = Math.floor((n + 2 * p - k) / st) + 1;
      if (count < 1) throw new Error(`a tile of ${n} px is too small for a ${k}×${k} conv`);
      const start = e.start / st;
      // Trusted input, padding included: the image's own padding at its borders.
      const lo = e.start === 0 && v.start === 0 ? -p : v.start;
      const hi = e.end === size && v.end === size ? size + p : v.end;
      return {
        extent: span(start, start + count),
        valid: span(Math.max(start, Math.ceil((lo + p) / st)), Math.min(start + count, Math.floor((hi + p - k) / st) + 1)),
        size: sizeAfter(op, size),
      };
    }
    case 'convTranspose': {
      const { kernel: k, stride: st, pad: p } = op;
      const start = e.start * st;
      const count = (n - 1) * st - 2 * p + k + op.outputPad;
      // Output J gathers inputs ceil((J+p-k+1)/st) … floor((J+p)/st) that exist in the map.
      const lo = v.start === 0 ? start : st * (v.start - 1) - p + k;
      const hi = v.end === size ? start + count : st * v.end - p;
      return {
        extent: span(start, start + count),
        valid: span(Math.max(start, lo), Math.min(start + count, hi)),
        size: sizeAfter(op, size),
      };
    }
    case 'upsample': {
      // The tile repeats its own edge pixels: right only where they are the image's.
      const lo = v.start === 0 ? 0 : 2 * v.start + 1;
      const hi = v.end === size ? 2 * size : 2 * v.end - 1;
      return { extent: span(2 * e.start, 2 * e.end), valid: span(Math.max(2 * e.start, lo), Math.min(2 * e.end, hi)), size: 2 * size };
    }
  }
}

/**
 * The input a tile needs for `wanted` of an op's output to be exact (given the input map's
 * length). Conv inputs start on the conv's stride so the tile lies on the network's grid.
 */
export function needed(op: AxisOp, wanted: Span, inputSize: number): Span {
  switch (op.kind) {
    case 'pointwise':
      return wanted;
    case 'conv': {
      const { kernel: k, stride: st, pad: p } = op;
      const start = Math.max(0, st * wanted.start - p);
      return span(Math.floor(start / st) * st, Math.min(inputSize, st * (wanted.end - 1) - p + k));
    }
    case 'convTranspose': {
      const { kernel: k, stride: st, pad: p } = op;
      return span(Math.max(0, Math.ceil((wanted.start + p - k + 1) / st)), Math.min(inputSize, Math.floor((wanted.end - 1 + p) / st) + 1));
    }
    case 'upsample':
      return span(Math.max(0, Math.floor((wanted.start - 1) / 2)), Math.min(inputSize, Math.floor(wanted.end / 2) + 1));
  }
}

/** Map lengths before each op and after the last (sizes[i] is op i's input). */
export function sizesThrough(ops: readonly AxisOp[], size: number): number[] {
  const sizes = [size];
  for (const op of ops) sizes.push(sizeAfter(op, sizes[sizes.length - 1]!));
  return sizes;
}

/** The stage input a tile must read for `core` of the stage's output to be exact. */
export function inputFor(ops: readonly AxisOp[], core: Span, inputSize: number): Span {
  const sizes = sizesThrough(ops, inputSize);
  let want = core;
  for (let i = ops.length - 1; i >= 0; i--) want = needed(ops[i]!, want, sizes[i]!);
  return want;
}

/** Runs the geometry of a stage over a tile read from `input` of a map of `size` (all exact). */
export function through(ops: readonly AxisOp[], input: Span, size: number): AxisState[] {
  const states: AxisState[] = [{ extent: input, valid: input, size }];
  for (const op of ops) states.push(forward(op, states[states.length - 1]!));
  return states;
}
