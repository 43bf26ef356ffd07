import { tf } from '../tf.js';
import { trainContext, type ForwardContext } from '../layers/context.js';
import type { Network } from '../networks/network.js';
import { Adam } from '../optim/adam.js';
import { LrScheduler } from '../optim/schedulers.js';
import { Rng, type RngState } from '../util/rng.js';
import type { ModelTrainingState, TrainingBatch } from './model.js';
import { namedTrainables } from './named-grads.js';
import type { ModelOptions } from './options.js';

/** What pix2pix and CycleGAN share: RNG streams, inputs, visuals, losses, optimisers, LR schedule. */
export abstract class BaseModel<O extends ModelOptions> {
  protected readonly rngs: Record<string, Rng>;
  protected realA: tf.Tensor4D | null = null;
  protected realB: tf.Tensor4D | null = null;
  protected losses: Record<string, number> = {};
  private readonly visuals = new Map<string, tf.Tensor4D>();
  private optimizerList: Array<[string, Adam]> = [];
  private schedulerInstance: LrScheduler | null = null;

  protected constructor(readonly options: O) {
    const root = new Rng(options.seed);
    // Independent streams, so e.g. turning dropout on does not change the initial weights.
    this.rngs = { init: root.fork('init'), dropout: root.fork('dropout'), pool: root.fork('pool'), penalty: root.fork('penalty') };
  }

  protected initSpec() {
    return { type: this.options.init_type, gain: this.options.init_gain, rng: this.rngs.init! };
  }

  protected trainCtx(): ForwardContext {
    const rng = this.rngs.dropout!;
    return trainContext(() => rng.nextUint32());
  }

  protected createOptimizers(groups: Record<string, ReadonlyArray<readonly [string, Network]>>): void {
    const o = this.options;
    this.optimizerList = Object.entries(groups).map(([name, nets]) => [
      name,
      new Adam(namedTrainables(nets), { lr: o.lr, beta1: o.beta1, beta2: o.beta2 }),
    ]);
    this.schedulerInstance = new LrScheduler(
      {
        policy: o.lr_policy,
        lr: o.lr,
        n_epochs: o.n_epochs,
        n_epochs_decay: o.n_epochs_decay,
        epoch_count: o.epoch_count,
        lr_decay_iters: o.lr_decay_iters,
      },
      this.optimizerList.map(([, opt]) => opt),
    );
  }

  get scheduler(): LrScheduler {
    if (!this.schedulerInstance) throw new Error('model has no optimisers yet');
    return this.schedulerInstance;
  }

  optimizers(): Map<string, Adam> {
    return new Map(this.optimizerList);
  }

  protected optimizer(name: string): Adam {
    const found = this.optimizerList.find(([n]) => n === name);
    if (!found) throw new Error(`no optimiser ${name}`);
    return found[1];
  }

  setInput(batch: TrainingBatch): void {
    const aToB = this.options.direction === 'AtoB';
    const [a, b] = aToB ? [batch.A, batch.B] : [batch.B, batch.A];
    if (a.shape[0] !== b.shape[0]) throw new Error(`batch sizes differ: A has ${a.shape[0]} images, B has ${b.shape[0]}`);
    this.realA?.dispose();
    this.realB?.dispose();
    this.realA = tf.keep(tf.clone(a));
    this.realB = tf.keep(tf.clone(b));
  }

  protected inputs(): { realA: tf.Tensor4D; realB: tf.Tensor4D } {
    if (!this.realA || !this.realB) throw new Error('optimizeParameters() called before setInput()');
    return { realA: this.realA, realB: this.realB };
  }

  /** Keeps `t` as a visual, replacing (and disposing) the previous one of that name. */
  protected setVisual(name: string, t: tf.Tensor4D): void {
    this.visuals.get(name)?.dispose();
    this.visuals.set(name, tf.keep(t));
  }

  /**
   * Reads several scalar losses with one device read (the caller still owns them): the only point where a
   * training step waits for a GPU backend to finish its queued work.
   */
  protected async recordLosses(named: Record<string, tf.Scalar>): Promise<void> {
    const names = Object.keys(named);
    const stacked = tf.tidy(() => tf.stack(names.map((n) => named[n]!)));
    const values = await stacked.data().finally(() => stacked.dispose());
    this.losses = Object.fromEntries(names.map((n, i) => [n, values[i]!]));
  }

  currentLosses(): Record<string, number> {
    return { ...this.losses };
  }

  currentVisuals(): Map<string, tf.Tensor4D> {
    const { realA, realB } = this.inputs();
    const out = new Map<string, tf.Tensor4D>([
      ['real_A', realA],
      ['real_B', realB],
    ]);
    for (const [k, v] of this.visuals) out.set(k, v);
    return out;
  }

  updateLearningRate(metric?: number): { before: number; after: number } {
    const before = this.scheduler.lr;
    this.scheduler.step(this.options.lr_policy === 'plateau' ? (metric ?? 0) : undefined);
    return { before, after: this.scheduler.lr };
  }

  protected rngStates(): Record<string, RngState> {
    return Object.fromEntries(Object.entries(this.rngs).map(([k, r]) => [k, r.state()]));
  }

  protected restoreRngs(states: Record<string, RngState>): void {
    for (const [k, s] of Object.entries(states)) {
      if (!(k in this.rngs)) throw new Error(`checkpoint has an unknown random stream '${k}'`);
      this.rngs[k] = Rng.fromState(s);
    }
  }

  abstract networks(): Map<string, Network>;

  exportTrainingState(): ModelTrainingState {
    return { rng: this.rngStates(), pools: {} };
  }

  importTrainingState(state: ModelTrainingState): void {
    this.restoreRngs(state.rng);
  }

  dispose(): void {
    this.realA?.dispose();
    this.realB?.dispose();
    for (const v of this.visuals.values()) v.dispose();
    this.visuals.clear();
    for (const [, opt] of this.optimizerList) opt.dispose();
    for (const net of this.networks().values()) net.dispose();
  }
}
