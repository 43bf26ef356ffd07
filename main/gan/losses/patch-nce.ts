import { tf } from '../tf.js';

export interface PatchNceOptions {
  /** Temperature (--nce_T). */
  nceT: number;
  /** Images the rows come from; each query's negatives are the other patches of its own image. */
  batchSize: number;
  /** --nce_includes_all_negatives_from_minibatch: negatives from every image of the batch. */
  allNegativesFromMinibatch: boolean;
}

/**
 * The official PatchNCELoss (models/patchnce.py) for L2-normalised query and key rows [N, dim]:
 * cross-entropy of [q·k₊, q·k₋…]/T against the positive, one loss per row. Keys carry no gradient
 * (the official detaches them): the caller computes them outside any gradient tape. The diagonal
 * of each image's q·kᵀ block (the positive itself) is set to −10 before dividing by T.
 */
export function patchNceLoss(q: tf.Tensor2D, k: tf.Tensor2D, o: PatchNceOptions): tf.Tensor1D {
  return tf.tidy(() => {
    const [rows, dim] = q.shape;
    const positive = tf.sum(tf.mul(q, k), 1, true);
    const groups = o.allNegativesFromMinibatch ? 1 : o.batchSize;
    const perGroup = rows / groups;
    const qb = tf.reshape(q, [groups, perGroup, dim]);
    const kb = tf.reshape(k, [groups, perGroup, dim]);
    const similarities = tf.matMul(qb, kb, false, true);
    const eye = new Uint8Array(perGroup * perGroup);
    for (let i = 0; i < perGroup; i++) eye[i * perGroup + i] = 1;
    const diagonal = tf.tensor3d(eye, [1, perGroup, perGroup], 'bool');
    const negatives = tf.where(tf.broadcastTo(diagonal, similarities.shape), tf.fill(similarities.shape, -10), similarities);
    const logits = tf.div(tf.concat([positive, tf.reshape(negatives, [rows, perGroup])], 1), o.nceT);
    // Cross-entropy with target 0: logsumexp of the row minus its first logit.
    return tf.sub(tf.logSumExp(logits, 1), tf.reshape(tf.slice(logits, [0, 0], [rows, 1]), [rows])) as tf.Tensor1D;
  });
}
