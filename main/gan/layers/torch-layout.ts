import { tf } from '../tf.js';
import type { ParamRole } from './params.js';

// Both conv kinds map between tf [kH,kW,a,b] and torch [b,a,kH,kW] (OIHW for Conv2d with
// a=in,b=out; IOHW for ConvTranspose2d with a=out,b=in), so one permutation serves each direction.
// A blur filter (tf [k,k,C,1], torch [C,1,k,k]) and a linear weight (tf [in,out], torch [out,in])
// are their own inverses' permutations.
const TF_TO_TORCH: Partial<Record<ParamRole, number[]>> = {
  conv_weight: [3, 2, 0, 1],
  conv_transpose_weight: [3, 2, 0, 1],
  blur_filter: [2, 3, 0, 1],
  linear_weight: [1, 0],
};
const TORCH_TO_TF: Partial<Record<ParamRole, number[]>> = {
  conv_weight: [2, 3, 1, 0],
  conv_transpose_weight: [2, 3, 1, 0],
  blur_filter: [2, 3, 0, 1],
  linear_weight: [1, 0],
};

/** A tensor in the engine's layout → a tensor in the reference's layout (caller disposes). */
export function toTorchLayout(role: ParamRole, t: tf.Tensor): tf.Tensor {
  const perm = TF_TO_TORCH[role];
  return perm ? tf.transpose(t, perm) : tf.clone(t);
}

/** Data in the reference's layout and shape → a tensor in the engine's layout (caller disposes). */
export function fromTorchLayout(role: ParamRole, data: Float32Array | Int32Array, torchShape: readonly number[]): tf.Tensor {
  const dtype = role === 'num_batches_tracked' ? 'int32' : 'float32';
  const t = tf.tensor(data, [...torchShape], dtype);
  const perm = TORCH_TO_TF[role];
  if (!perm) return t;
  const out = tf.transpose(t, perm);
  t.dispose();
  return out;
}
