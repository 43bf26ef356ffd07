import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../main/gan/tf.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

/**
 * Fastest of a few runs of each, in ms, taken in turns so that load from other processes falls on
 * all of them alike: compare ratios, not absolute times.
 */
function fastest(runs: Array<() => tf.Tensor>, reps = 5): number[] {
  const best = runs.map(() => Infinity);
  for (let i = 0; i <= reps; i++) {
    runs.forEach((run, k) => {
      const t = performance.now();
      tf.tidy(() => void run().dataSync());
      if (i > 0) best[k] = Math.min(best[k]!, performance.now() - t);
    });
  }
  return best;
}

const attrs = (stride: number, pad: number | 'same', filterShape: number[]) =>
  ({ strides: stride, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape }) as unknown as tf.NamedAttrMap;

// Timing assertions are only meaningful on a quiet machine: run with TANDEM_PERF=1.
describe.runIf(process.env.TANDEM_PERF === '1')('conv gradient kernels run near forward-conv speed on wasm', () => {
  it('input and filter gradients of a 3×3 conv at 32×32×256 cost at most 2.5× the forward', () => {
    const x = tf.randomNormal([1, 32, 32, 256]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 256, 256]) as tf.Tensor4D;
    const [forward, input, filter] = fastest([
      () => tf.conv2d(x, w, 1, 'same'),
      () => tf.conv2dTranspose(x, w, [1, 32, 32, 256], 1, 'same'),
      () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: x }, attrs(1, 'same', [3, 3, 256, 256])) as tf.Tensor,
    ]) as [number, number, number];
    expect(input).toBeLessThan(2.5 * forward);
    expect(filter).toBeLessThan(2.5 * forward);
    tf.dispose([x, w]);
  });

  it("the U-Net's inner up-conv (4×4, 1024→512 channels, 4×4 → 8×8) costs at most 4× its forward", () => {
    const x = tf.randomNormal([1, 8, 8, 512]) as tf.Tensor4D;
    const w = tf.randomNormal([4, 4, 512, 1024]) as tf.Tensor4D;
    const dy = tf.randomNormal([1, 4, 4, 1024]) as tf.Tensor4D;
    // A fresh filter each time on both sides, as in training (no cached packing).
    const [forward, transposed] = fastest([
      () => tf.conv2d(x, tf.mul(w, 1) as tf.Tensor4D, 2, 1),
      () => tf.conv2dTranspose(dy, tf.mul(w, 1) as tf.Tensor4D, [1, 8, 8, 512], 2, 1),
    ]) as [number, number];
    expect(transposed).toBeLessThan(4 * forward + 5);
    tf.dispose([x, w, dy]);
  });
});
