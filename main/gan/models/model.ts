import type { tf } from '../tf.js';
import type { Network } from '../networks/network.js';
import type { Adam } from '../optim/adam.js';
import type { LrScheduler } from '../optim/schedulers.js';
import type { RngState } from '../util/rng.js';
import type { ModelOptions } from './options.js';

/** One batch as the data loader gives it: A and B in [-1, 1], NHWC. */
export interface TrainingBatch {
  A: tf.Tensor4D;
  B: tf.Tensor4D;
}

/** Everything random, optimised or pooled that a resumed run needs besides the weights. */
export interface ModelTrainingState {
  rng: Record<string, RngState>;
  /** Image-pool contents by pool name (CycleGAN only). */
  pools: Record<string, tf.Tensor4D[]>;
}

/**
 * The reference's BaseModel contract: set input, optimise one step, read losses and visuals, and
 * hand over the networks and optimisers to save.
 */
export interface GanModel {
  readonly options: ModelOptions;
  readonly lossNames: readonly string[];
  readonly visualNames: readonly string[];
  readonly scheduler: LrScheduler;
  /** Copies what it needs: the caller may dispose the batch afterwards. */
  setInput(batch: TrainingBatch): void;
  /** One training step; resolves once its losses are read (a GPU backend's one wait per step). */
  optimizeParameters(): Promise<void>;
  /** Loss values of the last step, by the reference's loss names (G_GAN, D_real, cycle_A, …). */
  currentLosses(): Record<string, number>;
  /** Images of the last step, owned by the model and valid until the next step. */
  currentVisuals(): Map<string, tf.Tensor4D>;
  /** Networks by the reference's names (G, D or G_A, G_B, D_A, D_B). */
  networks(): Map<string, Network>;
  optimizers(): Map<string, Adam>;
  /** The generator that translates in the given direction (pix2pix has only AtoB). */
  generator(direction: 'AtoB' | 'BtoA'): Network;
  /** Called at the end of every epoch, as the reference's train.py does. */
  updateLearningRate(metric?: number): { before: number; after: number };
  exportTrainingState(): ModelTrainingState;
  importTrainingState(state: ModelTrainingState): void;
  dispose(): void;
}
