import { tf } from '../tf.js';

/**
 * Whether a layer may use its custom-gradient form. Those forms (normalisation, reflection pad,
 * checkpointed blocks) compute their backward from saved tensors treated as constants, which is
 * exact for a first-order gradient but not differentiable again. A forward that runs under two or
 * more nested gradient tapes (e.g. WGAN-GP's penalty: the critic's input gradient is itself
 * differentiated) may need second-order gradients, so it gets the plain composed ops instead.
 */
export function firstOrderOnly(): boolean {
  return gradientDepth() <= 1;
}

/** Whether ops run now are recorded on a gradient tape (so may themselves be differentiated). */
export function underGradientTape(): boolean {
  return gradientDepth() > 0;
}

function gradientDepth(): number {
  return (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth;
}
