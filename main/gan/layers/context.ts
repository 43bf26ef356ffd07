import type { tf } from '../tf.js';

/**
 * Instance-norm statistics carried from one pass to others (tiled inference): in 'record' each
 * InstanceNorm2d normalises as usual and stores its per-channel mean and (biased) variance under
 * its layer key; in 'apply' each normalises with the stored ones instead of its input's own.
 * Inference only: the stored tensors are kept out of tidy scopes and nothing differentiates them.
 */
export interface InstanceStats {
  readonly mode: 'record' | 'apply';
  readonly byLayer: Map<string, { mean: tf.Tensor; variance: tf.Tensor }>;
}

/** How a forward pass behaves: the reference's train()/eval() state plus our own controls. */
export interface ForwardContext {
  /** Batch norm uses batch statistics (PyTorch train mode) instead of running statistics. */
  readonly batchStats: boolean;
  /** Batch norm running statistics are updated (only meaningful with batchStats). */
  readonly updateStats: boolean;
  /** Dropout layers drop (PyTorch train mode). */
  readonly dropout: boolean;
  /** A seed per dropout mask, drawn from the run's RNG so runs are reproducible. */
  nextSeed(): number;
  /**
   * Gradient checkpointing: blocks that support it keep only their input for the backward and
   * recompute their insides there (layers/checkpoint.ts). Absent means off.
   */
  readonly checkpoint?: boolean;
  /** Shared instance-norm statistics; absent means each input normalises with its own. */
  readonly instanceStats?: InstanceStats;
}

export function trainContext(nextSeed: () => number): ForwardContext {
  return { batchStats: true, updateStats: true, dropout: true, nextSeed };
}

export const evalContext: ForwardContext = {
  batchStats: false,
  updateStats: false,
  dropout: false,
  nextSeed: () => 0,
};

/** The reference's test.py without --eval: batch statistics and dropout stay on, stats untouched. */
export function referenceTestContext(nextSeed: () => number): ForwardContext {
  return { batchStats: true, updateStats: false, dropout: true, nextSeed };
}
