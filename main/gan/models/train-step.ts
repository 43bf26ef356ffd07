import { tf } from '../tf.js';
import type { ForwardContext } from '../layers/context.js';

/**
 * What the named parts of one optimisation step (forward, backward_G, backward_D…) share: the
 * forward context (one dropout stream for the whole step) and the losses to report afterwards.
 */
export class TrainStep {
  readonly losses: Record<string, tf.Scalar> = {};

  constructor(readonly ctx: ForwardContext) {}

  /**
   * The reference's `self.loss_<name> = t`: keeps a clone (shared data) for reading once the step
   * is done, and returns `t`, which flows on, even as a gradient tape's result.
   */
  loss(name: string, t: tf.Scalar): tf.Scalar {
    this.losses[name] = tf.keep(tf.clone(t));
    return t;
  }

  dispose(): void {
    for (const t of Object.values(this.losses)) t.dispose();
  }
}
