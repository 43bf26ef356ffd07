import { tf } from '../../main/gan/tf.js';
import { Rng } from '../../main/gan/util/rng.js';

/** A: random soft-edged discs on a dark ground; B: the same scene with colours remapped (a fixed, learnable map). */
export function syntheticPairs(count: number, size: number, seed: number): Array<{ A: tf.Tensor4D; B: tf.Tensor4D }> {
  const rng = new Rng(seed);
  const out: Array<{ A: tf.Tensor4D; B: tf.Tensor4D }> = [];
  for (let n = 0; n < count; n++) {
    const a = new Float32Array(size * size * 3).fill(-0.8);
    for (let k = 0; k < 3; k++) {
      const cx = rng.uniform() * size;
      const cy = rng.uniform() * size;
      const r = size * (0.12 + 0.2 * rng.uniform());
      const colour = [rng.uniform() * 2 - 1, rng.uniform() * 2 - 1, rng.uniform() * 2 - 1];
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const inside = Math.max(0, Math.min(1, r - Math.hypot(x - cx, y - cy)));
          for (let c = 0; c < 3; c++) {
            const i = (y * size + x) * 3 + c;
            a[i] = a[i]! * (1 - inside) + colour[c]! * inside;
          }
        }
      }
    }
    const b = new Float32Array(a.length);
    for (let i = 0; i < a.length; i += 3) {
      // swap channels and invert one: a pixel-wise map a generator can learn quickly
      b[i] = -a[i + 2]!;
      b[i + 1] = a[i]!;
      b[i + 2] = a[i + 1]!;
    }
    out.push({ A: tf.tensor4d(a, [1, size, size, 3]), B: tf.tensor4d(b, [1, size, size, 3]) });
  }
  return out;
}

export function disposePairs(pairs: Array<{ A: tf.Tensor4D; B: tf.Tensor4D }>): void {
  for (const p of pairs) tf.dispose([p.A, p.B]);
}
