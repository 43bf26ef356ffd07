import { tf } from '../tf.js';
import type { Layer } from '../layers/layer.js';
import { registerComparisonGradients } from '../losses/comparison-grads.js';
import { ParamRegistry } from '../layers/params.js';
import { Network } from './network.js';

/** Where the patch positions of a key pass come from (a seeded stream in training, recorded ids in tests). */
export interface PatchIdSource {
  /** `count` distinct positions out of `positions`, in random order (numpy's permutation(positions)[:count]). */
  draw(positions: number, count: number): Int32Array;
}

/** PatchSampleF has no image-to-image forward; this root says so if anything asks for one. */
class NoImageForward implements Layer {
  forward(): tf.Tensor4D {
    throw new Error('PatchSampleF samples feature maps (sample()); it does not translate images');
  }
}

/**
 * Rows `ids` of a [N, C] matrix. tfjs's gather gradient needs UnsortedSegmentSum, which
 * tfjs-backend-wasm lacks; the ids are distinct, so scattering dy back is the same gradient.
 */
export function gatherRows(matrix: tf.Tensor2D, ids: Int32Array): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const m = args[0] as tf.Tensor2D;
    const idx = tf.tensor1d(ids, 'int32');
    const value = tf.gather(m, idx, 0) as tf.Tensor2D;
    idx.dispose();
    const gradFunc = (dy: tf.Tensor) => tf.tidy(() => tf.scatterND(tf.tensor2d(ids, [ids.length, 1], 'int32'), dy, m.shape));
    return { value, gradFunc };
  });
  return op(matrix) as tf.Tensor2D;
}

/**
 * The official Normalize(2): x / (‖x‖₂ + 1e-7), row by row. A row of zeros (all of an MLP's hidden
 * units off, likely with a narrow --netF_nc) gives 0 there too, but torch's gradient of the norm at
 * 0 is 0·∞ = NaN, which ends training; here the norm's gradient is 0 at 0, the same elsewhere.
 */
function l2Normalise(x: tf.Tensor2D): tf.Tensor2D {
  registerComparisonGradients();
  const squares = tf.sum(tf.square(x), 1, true);
  const nonZero = tf.greater(squares, 0);
  const norm = tf.where(nonZero, tf.sqrt(tf.where(nonZero, squares, tf.onesLike(squares))), tf.zerosLike(squares));
  return tf.div(x, tf.add(norm, 1e-7));
}

/**
 * The official PatchSampleF with use_mlp (netF 'mlp_sample', networks.py:531-583): for each tapped
 * feature map, the features at `num_patches` positions, through Linear(C, nc) → ReLU → Linear(nc, nc),
 * then L2-normalised. The MLPs are sized by the generator's tap channels, so they exist as soon as
 * the model does (the official code creates them at its first call, from the same shapes) and a
 * checkpoint can be loaded into them. Weights are tf [in, out]; the state dict has nn.Linear's [out, in].
 */
export class PatchSampleF extends Network {
  private readonly mlps: Array<{ w1: tf.Variable; b1: tf.Variable; w2: tf.Variable; b2: tf.Variable }>;

  constructor(name: string, tapChannels: readonly number[], nc: number) {
    const params = new ParamRegistry(name);
    super(name, params, new NoImageForward());
    this.mlps = tapChannels.map((c, i) => ({
      w1: params.add(`mlp_${i}.0.weight`, 'linear_weight', [c, nc], [nc, c]),
      b1: params.add(`mlp_${i}.0.bias`, 'bias', [nc], [nc]),
      w2: params.add(`mlp_${i}.2.weight`, 'linear_weight', [nc, nc], [nc, nc]),
      b2: params.add(`mlp_${i}.2.bias`, 'bias', [nc], [nc]),
    }));
  }

  /**
   * The official forward(feats, num_patches, patch_ids): with `ids` null, positions are drawn from
   * `source` (one set per map, shared by the batch's images); the same ids then serve the matching
   * query pass. Rows are image-major (image b's patches are rows b·k … b·k + k − 1), as the official
   * `feat.permute(0,2,3,1).flatten(1,2)[:, ids].flatten(0,1)`: NHWC already is that layout.
   */
  sample(
    feats: readonly tf.Tensor4D[],
    numPatches: number,
    ids: readonly Int32Array[] | null,
    source?: PatchIdSource,
  ): { pooled: tf.Tensor2D[]; ids: Int32Array[] } {
    if (feats.length !== this.mlps.length)
      throw new Error(`PatchSampleF has ${this.mlps.length} MLPs but got ${feats.length} feature maps`);
    const usedIds: Int32Array[] = [];
    const pooled = feats.map((feat, i) => {
      const [b, h, w, c] = feat.shape;
      const positions = h * w;
      let id = ids?.[i];
      if (!id) {
        if (!source) throw new Error('PatchSampleF needs patch ids or a source to draw them from');
        id = source.draw(positions, Math.min(numPatches, positions));
      }
      usedIds.push(id);
      const rows = new Int32Array(b * id.length);
      for (let n = 0; n < b; n++) for (let j = 0; j < id.length; j++) rows[n * id.length + j] = n * positions + id[j]!;
      const mlp = this.mlps[i]!;
      return tf.tidy(() => {
        const x = gatherRows(tf.reshape(feat, [b * positions, c]), rows);
        const hidden = tf.relu(tf.add(tf.matMul(x, mlp.w1), mlp.b1));
        return l2Normalise(tf.add(tf.matMul(hidden, mlp.w2), mlp.b2) as tf.Tensor2D);
      });
    });
    return { pooled, ids: usedIds };
  }
}

/** numpy's permutation(n)[:k] in distribution: a partial Fisher–Yates shuffle driven by `randint`. */
export function seededPatchIds(randint: (lo: number, hi: number) => number): PatchIdSource {
  return {
    draw(positions, count) {
      const order = new Int32Array(positions);
      for (let i = 0; i < positions; i++) order[i] = i;
      for (let i = 0; i < count; i++) {
        const j = randint(i, positions - 1);
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
      return order.slice(0, count);
    },
  };
}
