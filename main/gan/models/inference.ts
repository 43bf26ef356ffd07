import { tf } from '../tf.js';
import { evalContext, referenceTestContext, type ForwardContext, type InstanceStats } from '../layers/context.js';
import { sizeMultiple, type NetG } from '../networks/define.js';
import type { Network } from '../networks/network.js';
import { Rng } from '../util/rng.js';

/**
 * 'eval': PyTorch eval mode (running batch-norm statistics, no dropout) — deterministic.
 * 'reference-test': what the reference's test.py does without --eval for pix2pix: batch statistics
 * and dropout stay on, so results depend on the batch and on the seed.
 */
export type InferenceMode = 'eval' | 'reference-test';

export interface InferenceOptions {
  mode?: InferenceMode;
  seed?: number;
  /** Record or apply shared instance-norm statistics (tiled inference). */
  instanceStats?: InstanceStats;
}

function padAmounts(size: number, multiple: number): [number, number] {
  const total = Math.ceil(size / multiple) * multiple - size;
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Mirror-pads to (before, after) on H and W, repeating the mirror when the pad exceeds the image. */
function mirrorPadTo(x: tf.Tensor4D, ph: [number, number], pw: [number, number]): tf.Tensor4D {
  let y = x;
  let [top, bottom] = ph;
  let [left, right] = pw;
  while (top + bottom + left + right > 0) {
    const [, h, w] = y.shape;
    const t = Math.min(top, h);
    const b = Math.min(bottom, h);
    const l = Math.min(left, w);
    const r = Math.min(right, w);
    y = tf.mirrorPad(
      y,
      [
        [0, 0],
        [t, b],
        [l, r],
        [0, 0],
      ],
      'symmetric',
    );
    top -= t;
    bottom -= b;
    left -= l;
    right -= r;
  }
  return y;
}

/**
 * Runs a generator on images of any size: pads (mirrored) to the size the network needs and crops
 * the result back, so the output has exactly the input's size. Input and output in [-1, 1], NHWC.
 */
export function translateBatch(net: Network, netG: NetG, images: tf.Tensor4D, opts: InferenceOptions = {}): tf.Tensor4D {
  const [, h, w] = images.shape;
  const multiple = sizeMultiple(netG);
  const ph = padAmounts(h, multiple);
  const pw = padAmounts(w, multiple);
  let ctx: ForwardContext = evalContext;
  if (opts.mode === 'reference-test') {
    const rng = new Rng(opts.seed ?? 0);
    ctx = referenceTestContext(() => rng.nextUint32());
  }
  if (opts.instanceStats) ctx = { ...ctx, instanceStats: opts.instanceStats };
  return tf.tidy(() => {
    const padded = mirrorPadTo(images, ph, pw);
    const out = net.forward(padded, ctx);
    return tf.slice(out, [0, ph[0], pw[0], 0], [out.shape[0], h, w, out.shape[3]]);
  });
}
