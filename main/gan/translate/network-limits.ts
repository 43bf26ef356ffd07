import { generatorGraph, type GenOp } from '../io/generator-graph.js';
import { sizeMultiple, type GeneratorArch } from '../networks/define.js';

/** Output length of a padded, strided op along one axis; null when the op cannot run at that length. */
function lengthAfter(o: GenOp, n: number): number | null {
  switch (o.op) {
    case 'reflectPad':
      // Reflection needs a neighbour to mirror on each side: more pixels than the pad.
      return n > o.pad ? n + 2 * o.pad : null;
    case 'conv': {
      const out = Math.floor((n + 2 * o.padding - o.kernel) / o.stride) + 1;
      return out >= 1 ? out : null;
    }
    case 'convTranspose':
      return (n - 1) * o.stride - 2 * o.padding + o.kernel + o.outputPadding;
    case 'blurPool':
      // Reflection pad 1 (needs 2 pixels), then a 3×3 window at stride 2.
      return n >= 2 ? Math.floor((n - 1) / 2) + 1 : null;
    case 'upsample':
      return 2 * n;
    default:
      return n;
  }
}

function runs(ops: readonly GenOp[], n: number): number | null {
  let len: number | null = n;
  for (const o of ops) {
    if (len === null) return null;
    if (o.op === 'residual' || o.op === 'skip') {
      const inner = runs(o.body, len);
      if (inner === null) return null;
    } else len = lengthAfter(o, len);
  }
  return len;
}

/** The length a side is padded to before the network (a multiple of what it needs). */
export function paddedSide(arch: Pick<GeneratorArch, 'netG'>, side: number): number {
  const m = sizeMultiple(arch.netG);
  return Math.ceil(side / m) * m;
}

/**
 * The smallest side the generator can translate. Images are padded (mirrored) to the network's
 * multiple first, so this is where its reflection pads run out of pixels: 5 px for the ResNets
 * (a 4 px side stays 4 and is 1 px deep inside, too few to reflect), 1 px for the U-Nets.
 */
export function minimumSide(arch: GeneratorArch): number {
  const ops = generatorGraph(arch);
  for (let side = 1; side <= 4096; side++) if (runs(ops, paddedSide(arch, side)) !== null) return side;
  throw new Error(`${arch.netG} cannot translate any image up to 4096 px`);
}

/**
 * The most floats alive at once in a whole-image forward pass at h×w (already padded): the op's
 * input and output, reflection-padded copies, and the maps held for residual adds and U-Net skips.
 * Engines that free each tensor after its last use (onnxruntime's planner; tfjs, see Sequential)
 * peak near this; their own constant factor is measured (memory-estimate.ts).
 */
export function peakActivationFloats(arch: GeneratorArch, h: number, w: number): number {
  let peak = 0;
  const walk = (ops: readonly GenOp[], c: number, H: number, W: number, held: number): { c: number; H: number; W: number } => {
    let cur = { c, H, W };
    for (const o of ops) {
      const size = cur.c * cur.H * cur.W;
      if (o.op === 'residual' || o.op === 'skip') {
        const inner = walk(o.body, cur.c, cur.H, cur.W, held + size);
        const out = o.op === 'skip' ? { ...inner, c: cur.c + inner.c } : cur;
        peak = Math.max(peak, held + size + inner.c * inner.H * inner.W + out.c * out.H * out.W);
        cur = out;
        continue;
      }
      const H2 = lengthAfter(o, cur.H) ?? cur.H;
      const W2 = lengthAfter(o, cur.W) ?? cur.W;
      const c2 = o.op === 'conv' || o.op === 'convTranspose' ? o.outC : cur.c;
      peak = Math.max(peak, held + size + c2 * H2 * W2);
      cur = { c: c2, H: H2, W: W2 };
    }
    return cur;
  };
  walk(generatorGraph(arch), arch.inputNc, h, w, 0);
  return peak;
}

/** Parameter count read off the op tree (weights that stay resident). */
export function parameterFloats(arch: GeneratorArch): number {
  let n = 0;
  const walk = (ops: readonly GenOp[]) => {
    for (const o of ops) {
      if (o.op === 'conv' || o.op === 'convTranspose') n += o.inC * o.outC * o.kernel * o.kernel + (o.bias ? o.outC : 0);
      else if (o.op === 'batchNorm') n += 4 * o.channels;
      else if (o.op === 'residual' || o.op === 'skip') walk(o.body);
    }
  };
  walk(generatorGraph(arch));
  return n;
}
