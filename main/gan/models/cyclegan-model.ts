import { tf } from '../tf.js';
import { defineD, defineG } from '../networks/define.js';
import type { Network } from '../networks/network.js';
import { ganLoss, gradientPenalty, l1Loss } from '../losses/gan-loss.js';
import { BaseModel } from './base-model.js';
import { checkpointingFor } from './memory-plan.js';
import { ImagePool } from './image-pool.js';
import type { GanModel, ModelTrainingState } from './model.js';
import { accumulateGrads, applyGrads, gradsOf, namedTrainables } from './named-grads.js';
import type { CycleGanOptions } from './options.js';
import { TrainStep } from './train-step.js';

type Side = 'A' | 'B';
const SIDES: readonly Side[] = ['A', 'B'];

/**
 * The reference's CycleGANModel: G_A: A→B, G_B: B→A, D_A judges B, D_B judges A; LSGAN by default,
 * cycle losses λA, λB, identity λ_idt; G_A and G_B updated first with D frozen, then D_A and D_B on
 * pooled fakes.
 */
export class CycleGanModel extends BaseModel<CycleGanOptions> implements GanModel {
  readonly lossNames = ['D_A', 'G_A', 'cycle_A', 'idt_A', 'D_B', 'G_B', 'cycle_B', 'idt_B'] as const;
  readonly visualNames: readonly string[];
  private readonly nets: Record<'G_A' | 'G_B' | 'D_A' | 'D_B', Network>;
  private pools: { fakeA: ImagePool; fakeB: ImagePool };
  /** Whether the generators' ResNet blocks are recomputed in the backward (memory-plan.ts). */
  readonly checkpointing: boolean;

  constructor(options: CycleGanOptions) {
    super(options);
    const o = options;
    const gen = (name: string, inputNc: number, outputNc: number) =>
      defineG(name, { netG: o.netG, inputNc, outputNc, ngf: o.ngf, norm: o.norm, useDropout: !o.no_dropout }, this.initSpec());
    const disc = (name: string, inputNc: number) =>
      defineD(name, { netD: o.netD, inputNc, ndf: o.ndf, nLayersD: o.n_layers_D, norm: o.norm }, this.initSpec());
    if (o.lambda_identity > 0 && o.input_nc !== o.output_nc) {
      throw new Error('identity loss needs input_nc == output_nc; set --lambda_identity 0 for different channel counts');
    }
    this.nets = {
      G_A: gen('G_A', o.input_nc, o.output_nc),
      G_B: gen('G_B', o.output_nc, o.input_nc),
      D_A: disc('D_A', o.output_nc),
      D_B: disc('D_B', o.input_nc),
    };
    this.pools = this.createPools();
    this.checkpointing = checkpointingFor(o, o.crop_size, tf.getBackend());
    this.visualNames = [
      'real_A',
      'fake_B',
      'rec_A',
      ...(o.lambda_identity > 0 ? ['idt_B'] : []),
      'real_B',
      'fake_A',
      'rec_B',
      ...(o.lambda_identity > 0 ? ['idt_A'] : []),
    ];
    this.createOptimizers({
      G: [
        ['G_A', this.nets.G_A],
        ['G_B', this.nets.G_B],
      ],
      D: [
        ['D_A', this.nets.D_A],
        ['D_B', this.nets.D_B],
      ],
    });
  }

  private createPools() {
    return { fakeA: new ImagePool(this.options.pool_size, this.rngs.pool!), fakeB: new ImagePool(this.options.pool_size, this.rngs.pool!) };
  }

  networks(): Map<string, Network> {
    return new Map(Object.entries(this.nets));
  }

  generator(direction: 'AtoB' | 'BtoA'): Network {
    return direction === 'AtoB' ? this.nets.G_A : this.nets.G_B;
  }

  // reference: optimize_parameters — G_A and G_B first (D_A and D_B held fixed), then D_A and D_B.
  async optimizeParameters(): Promise<void> {
    // Checkpointing (when the memory plan asks for it) changes memory, not values.
    const step = new TrainStep({ ...this.trainCtx(), checkpoint: this.checkpointing });
    try {
      applyGrads(this.optimizer('G'), this.backwardG(step));
      applyGrads(this.optimizer('D'), this.backwardD(step));
      await this.recordLosses(step.losses);
    } finally {
      step.dispose();
    }
  }

  /** Side A: real_A → G_A → fake_B (judged by D_A) → G_B → rec_A, weighted λ_A; side B mirrors it. */
  private side(side: Side) {
    const { G_A, G_B, D_A, D_B } = this.nets;
    const { realA, realB } = this.inputs();
    return side === 'A'
      ? { real: realA, there: G_A, back: G_B, judge: D_A, fake: 'fake_B', rec: 'rec_A', lambda: this.options.lambda_A }
      : { real: realB, there: G_B, back: G_A, judge: D_B, fake: 'fake_A', rec: 'rec_B', lambda: this.options.lambda_B };
  }

  // reference: forward, one side at a time (fake_B and rec_A, or fake_A and rec_B)
  private forward(step: TrainStep, side: Side): { fake: tf.Tensor4D; rec: tf.Tensor4D } {
    const x = this.side(side);
    const fake = x.there.forward(x.real, step.ctx);
    const rec = x.back.forward(fake, step.ctx);
    this.setVisual(x.fake, fake);
    this.setVisual(x.rec, rec);
    return { fake, rec };
  }

  // reference: backward_G. Each loss term is differentiated on its own tape and the gradients
  // summed: the same gradient as the reference's single backward, with at most two generator
  // passes held at once.
  private backwardG(step: TrainStep): Map<string, tf.Tensor> {
    const vars = namedTrainables([
      ['G_A', this.nets.G_A],
      ['G_B', this.nets.G_B],
    ]);
    const grads = new Map<string, tf.Tensor>();
    for (const side of SIDES)
      accumulateGrads(
        grads,
        gradsOf(() => this.ganAndCycleLoss(step, side), vars),
      );
    for (const side of SIDES) {
      if (this.options.lambda_identity > 0)
        accumulateGrads(
          grads,
          gradsOf(() => this.identityLoss(step, side), vars),
        );
      else tf.dispose(step.loss(`idt_${side}`, tf.scalar(0)));
    }
    return grads;
  }

  /** backward_G's loss_G_A + loss_cycle_A (or the B pair), on this side's half of forward. */
  private ganAndCycleLoss(step: TrainStep, side: Side): tf.Scalar {
    const x = this.side(side);
    const { fake, rec } = this.forward(step, side);
    const lossG = step.loss(`G_${side}`, ganLoss(this.options.gan_mode, x.judge.forward(fake, step.ctx), true));
    const lossCycle = step.loss(`cycle_${side}`, tf.mul(l1Loss(rec, x.real), x.lambda) as tf.Scalar);
    return tf.add(lossG, lossCycle);
  }

  /** backward_G's loss_idt_A: G_A should leave B images alone (weight λ_B·λ_idt); loss_idt_B: G_B the A images (λ_A·λ_idt). */
  private identityLoss(step: TrainStep, side: Side): tf.Scalar {
    const o = this.options;
    const { realA, realB } = this.inputs();
    const [net, real, weight] = side === 'A' ? [this.nets.G_A, realB, o.lambda_B] : [this.nets.G_B, realA, o.lambda_A];
    const idt = net.forward(real, step.ctx);
    this.setVisual(`idt_${side}`, idt);
    return step.loss(`idt_${side}`, tf.mul(l1Loss(idt, real), weight * o.lambda_identity) as tf.Scalar);
  }

  // reference: backward_D_A and backward_D_B on one tape: their gradients add up in D's optimiser,
  // as the two backward() calls do in the reference.
  private backwardD(step: TrainStep): Map<string, tf.Tensor> {
    const vars = namedTrainables([
      ['D_A', this.nets.D_A],
      ['D_B', this.nets.D_B],
    ]);
    return gradsOf(() => tf.add(this.backwardD_A(step), this.backwardD_B(step)), vars);
  }

  // reference: backward_D_A
  private backwardD_A(step: TrainStep): tf.Scalar {
    const fakeB = this.pools.fakeB.query(this.currentVisuals().get('fake_B')!);
    return step.loss('D_A', this.backwardDBasic(step, this.nets.D_A, this.inputs().realB, fakeB));
  }

  // reference: backward_D_B
  private backwardD_B(step: TrainStep): tf.Scalar {
    const fakeA = this.pools.fakeA.query(this.currentVisuals().get('fake_A')!);
    return step.loss('D_B', this.backwardDBasic(step, this.nets.D_B, this.inputs().realA, fakeA));
  }

  // reference: backward_D_basic (the fake is a constant to D's gradients, as detach() makes it)
  private backwardDBasic(step: TrainStep, net: Network, real: tf.Tensor4D, fake: tf.Tensor4D): tf.Scalar {
    const gan = this.options.gan_mode;
    const d = (x: tf.Tensor4D) => net.forward(x, step.ctx);
    const lossReal = ganLoss(gan, d(real), true);
    const lossFake = ganLoss(gan, d(fake), false);
    const loss = tf.mul(tf.add(lossReal, lossFake), 0.5) as tf.Scalar;
    if (gan !== 'wgangp') return loss;
    return tf.add(loss, gradientPenalty(d, real, fake, this.rngs.penalty!.nextUint32()));
  }

  override exportTrainingState(): ModelTrainingState {
    return { rng: this.rngStates(), pools: { fake_A: this.pools.fakeA.exportState(), fake_B: this.pools.fakeB.exportState() } };
  }

  override importTrainingState(state: ModelTrainingState): void {
    this.restoreRngs(state.rng);
    // The pools draw from the restored stream, so they are rebuilt around it.
    this.pools.fakeA.dispose();
    this.pools.fakeB.dispose();
    this.pools = this.createPools();
    this.pools.fakeA.importState(state.pools['fake_A'] ?? []);
    this.pools.fakeB.importState(state.pools['fake_B'] ?? []);
  }

  override dispose(): void {
    this.pools.fakeA.dispose();
    this.pools.fakeB.dispose();
    super.dispose();
  }
}
