import { tf } from '../tf.js';
import type { ParamRole } from './params.js';

// Both conv kinds map between tf [kH,kW,a,b] and torch [b,a,kH,kW] (OIHW for Conv2d with
// a=in,b=out; IOHW for ConvTranspose2d with a=out,b=in), so one permutation serves each direction.
const TF_TO_TORCH = [3, 2, 0, 1];
const TORCH_TO_TF = [2, 3, 1, 0];

function isConv(role: ParamRole): boolean {
  return role === 'conv_weight' || role === 'conv_transpose_weight';
}

/** A tensor in the engine's layout → a tensor in the reference's layout (caller disposes). */
export function toTorchLayout(role: ParamRole, t: tf.Tensor): tf.Tensor {
  return isConv(role) ? tf.transpose(t, TF_TO_TORCH) : tf.clone(t);
}

/** Data in the reference's layout and shape → a tensor in the engine's layout (caller disposes). */
export function fromTorchLayout(role: ParamRole, data: Float32Array | Int32Array, torchShape: readonly number[]): tf.Tensor {
  const dtype = role === 'num_batches_tracked' ? 'int32' : 'float32';
  const t = tf.tensor(data, [...torchShape], dtype);
  if (!isConv(role)) return t;
  const out = tf.transpose(t, TORCH_TO_TF);
  t.dispose();
  return out;
}
