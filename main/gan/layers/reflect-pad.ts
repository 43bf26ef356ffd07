import { tf } from '../tf.js';
import { REFLECT_PAD_GRAD } from '../backend/kernels/reflect-pad-grad.js';
import { underGradientTape } from './tape-depth.js';

/**
 * The one-pass gradient kernel where the active backend has it (wasm), else the composition below.
 * The kernel has no gradient of its own, so a gradient that may be differentiated again (computed
 * under a tape) uses the composition.
 */
function reflectPadGrad(dy: tf.Tensor4D, pad: number, h: number, w: number, opaque = false): tf.Tensor4D {
  if ((opaque || !underGradientTape()) && tf.getKernel(REFLECT_PAD_GRAD, tf.getBackend())) {
    return tf.engine().runKernel(REFLECT_PAD_GRAD, { dy }, { pad } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  return foldReflectedAxis(foldReflectedAxis(dy, 1, pad, h), 2, pad, w);
}

// tfjs 4.22's MirrorPad gradient only slices the centre of dy, dropping the gradient that flows
// through the reflected border. PyTorch's ReflectionPad2d folds it back, so we do too.
function foldReflectedAxis(dy: tf.Tensor4D, axis: 1 | 2, pad: number, size: number): tf.Tensor4D {
  if (pad === 0) return dy;
  const sliceAlong = (start: number, len: number): tf.Tensor4D => {
    const begin = [0, 0, 0, 0];
    const sz = [...dy.shape] as number[];
    begin[axis] = start;
    sz[axis] = len;
    return tf.slice(dy, begin, sz);
  };
  const centre = sliceAlong(pad, size);
  // padded index j < pad mirrors input index pad - j; padded index pad + size + j mirrors size - 2 - j
  const head = tf.reverse(sliceAlong(0, pad), axis);
  const tail = tf.reverse(sliceAlong(pad + size, pad), axis);
  const padSpec = (before: number, after: number): Array<[number, number]> => {
    const p: Array<[number, number]> = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
    p[axis] = [before, after];
    return p;
  };
  const headPlaced = tf.pad(head, padSpec(1, size - 1 - pad));
  const tailPlaced = tf.pad(tail, padSpec(size - 1 - pad, 1));
  return tf.addN([centre, headPlaced, tailPlaced]);
}

/**
 * The input gradient of reflectPad2d for a custom op that reflection-pads inside its own forward:
 * such an op's gradient is never differentiated again, so the one-pass kernel serves even when the
 * backward runs under an outer tape (a D step inside G's tape).
 */
export function reflectPadAdjoint(dy: tf.Tensor4D, pad: number, h: number, w: number): tf.Tensor4D {
  return reflectPadGrad(dy, pad, h, w, true);
}

export function reflectPad2d(x: tf.Tensor4D, pad: number): tf.Tensor4D {
  if (pad === 0) return x;
  const [, h, w] = x.shape;
  if (pad >= h || pad >= w) {
    throw new Error(`reflection padding ${pad} needs an input larger than ${pad}×${pad}; got ${h}×${w}`);
  }
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor4D;
    const value = tf.mirrorPad(
      input,
      [
        [0, 0],
        [pad, pad],
        [pad, pad],
        [0, 0],
      ],
      'reflect',
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor) => reflectPadGrad(dy as tf.Tensor4D, pad, h, w),
    };
  });
  return op(x) as tf.Tensor4D;
}
