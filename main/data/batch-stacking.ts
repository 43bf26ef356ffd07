// Stacks a batch's loaded items into the [n, h, w, c] tensors the model takes, refusing items that
// came out at different sizes (which only preprocess modes that keep proportions can produce).
import { tf } from '../gan/tf.js';
import { DatasetError } from './errors.js';
import type { LoadedItem } from './item-loading.js';

/** The caller disposes A and B. `preprocess` names the mode in the mixed-sizes error. */
export function stackBatch(
  items: LoadedItem[],
  channelsA: 1 | 3,
  channelsB: 1 | 3,
  preprocess: string,
): { A: tf.Tensor4D; B: tf.Tensor4D } {
  const first = items[0]!;
  for (const it of items) {
    for (const [side, w, h, w0, h0, path] of [
      ['A', it.width, it.height, first.width, first.height, it.pathA],
      ['B', it.widthB, it.heightB, first.widthB, first.heightB, it.pathB],
    ] as const) {
      if (w !== w0 || h !== h0) {
        throw new DatasetError(
          'mixed-sizes',
          `Images in one batch came out at different sizes (${side}: ${path} is ${w}×${h}, ${side === 'A' ? first.pathA : first.pathB} is ${w0}×${h0}). With preprocess '${preprocess}' each image keeps its own proportions; use batch_size 1, or a preprocess that crops to crop_size (resize_and_crop, crop, scale_width_and_crop).`,
        );
      }
    }
  }
  const stack = (pick: (it: LoadedItem) => Float32Array, w: number, h: number, c: number): tf.Tensor4D => {
    const per = w * h * c;
    const buf = new Float32Array(per * items.length);
    items.forEach((it, i) => buf.set(pick(it), i * per));
    return tf.tensor4d(buf, [items.length, h, w, c]);
  };
  const A = stack((it) => it.a, first.width, first.height, channelsA);
  let B: tf.Tensor4D;
  try {
    B = stack((it) => it.b, first.widthB, first.heightB, channelsB);
  } catch (e) {
    A.dispose();
    throw e;
  }
  return { A, B };
}
