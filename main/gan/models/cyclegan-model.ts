import { tf } from '../tf.js';
import { defineD, defineG } from '../networks/define.js';
import type { Network } from '../networks/network.js';
import { ganLoss, gradientPenalty, l1Loss } from '../losses/gan-loss.js';
import { BaseModel } from './base-model.js';
import { checkpointingFor } from './memory-plan.js';
import { ImagePool } from './image-pool.js';
import type { GanModel, ModelTrainingState } from './model.js';
import { accumulateGrads, disposeGrads, gradsOf, namedTrainables } from './named-grads.js';
import type { CycleGanOptions } from './options.js';

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
    this.visualNames = ['real_A', 'fake_B', 'rec_A', ...(o.lambda_identity > 0 ? ['idt_B'] : []), 'real_B', 'fake_A', 'rec_B', ...(o.lambda_identity > 0 ? ['idt_A'] : [])];
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

  async optimizeParameters(): Promise<void> {
    const { realA, realB } = this.inputs();
    const o = this.options;
    const { G_A, G_B, D_A, D_B } = this.nets;
    // Checkpointing (when the memory plan asks for it) changes memory, not values.
    const ctx = { ...this.trainCtx(), checkpoint: this.checkpointing };
    const losses: Record<string, tf.Scalar> = {};
    // A kept clone (shared data) for reading later; the original flows on, even as a tape's result.
    const keep = (name: string, t: tf.Scalar): tf.Scalar => {
      losses[name] = tf.keep(tf.clone(t));
      return t;
    };
    const visual = (name: string, t: tf.Tensor4D) => this.setVisual(name, t);

    // G step. Each loss term is differentiated on its own tape and the gradients summed: the same
    // gradient as the reference's single backward, with at most two generator passes held at once.
    const gVars = namedTrainables([
      ['G_A', G_A],
      ['G_B', G_B],
    ]);
    const gGrads = new Map<string, tf.Tensor>();
    // Side A: real_A → G_A → fake_B (judged by D_A) → G_B → rec_A; side B mirrors it.
    const sides = [
      { side: 'A', real: realA, there: G_A, back: G_B, judge: D_A, fake: 'fake_B', rec: 'rec_A', lambda: o.lambda_A },
      { side: 'B', real: realB, there: G_B, back: G_A, judge: D_B, fake: 'fake_A', rec: 'rec_B', lambda: o.lambda_B },
    ] as const;
    for (const x of sides) {
      accumulateGrads(
        gGrads,
        gradsOf(() => {
          const fake = x.there.forward(x.real, ctx);
          const rec = x.back.forward(fake, ctx);
          visual(x.fake, fake);
          visual(x.rec, rec);
          const lossG = keep(`G_${x.side}`, ganLoss(o.gan_mode, x.judge.forward(fake, ctx), true));
          const lossCycle = keep(`cycle_${x.side}`, tf.mul(l1Loss(rec, x.real), x.lambda) as tf.Scalar);
          return tf.add(lossG, lossCycle);
        }, gVars),
      );
    }
    // Identity: G_A should leave B images alone (weighted by λ_B·λ_idt), G_B the A images (λ_A·λ_idt).
    const identities = [
      { name: 'idt_A', net: G_A, real: realB, weight: o.lambda_B * o.lambda_identity },
      { name: 'idt_B', net: G_B, real: realA, weight: o.lambda_A * o.lambda_identity },
    ] as const;
    for (const x of identities) {
      if (o.lambda_identity <= 0) {
        tf.dispose(keep(x.name, tf.scalar(0)));
        continue;
      }
      accumulateGrads(
        gGrads,
        gradsOf(() => {
          const idt = x.net.forward(x.real, ctx);
          visual(x.name, idt);
          return keep(x.name, tf.mul(l1Loss(idt, x.real), x.weight) as tf.Scalar);
        }, gVars),
      );
    }
    this.optimizer('G').step(gGrads);
    disposeGrads(gGrads);

    // D step on fakes drawn through the image pools (detached: only D's weights are differentiated).
    const visuals = this.currentVisuals();
    const pooledFakeB = this.pools.fakeB.query(visuals.get('fake_B')!);
    const pooledFakeA = this.pools.fakeA.query(visuals.get('fake_A')!);
    const dVars = namedTrainables([
      ['D_A', D_A],
      ['D_B', D_B],
    ]);
    const dLoss = (name: string, net: Network, real: tf.Tensor4D, fake: tf.Tensor4D): tf.Scalar => {
      const d = (x: tf.Tensor4D) => net.forward(x, ctx);
      const lossReal = ganLoss(o.gan_mode, d(real), true);
      const lossFake = ganLoss(o.gan_mode, d(fake), false);
      let loss = tf.mul(tf.add(lossReal, lossFake), 0.5) as tf.Scalar;
      if (o.gan_mode === 'wgangp') loss = tf.add(loss, gradientPenalty(d, real, fake, this.rngs.penalty!.nextUint32()));
      return keep(name, loss);
    };
    const dGrads = gradsOf(() => tf.add(dLoss('D_A', D_A, realB, pooledFakeB), dLoss('D_B', D_B, realA, pooledFakeA)), dVars);
    pooledFakeA.dispose();
    pooledFakeB.dispose();
    this.optimizer('D').step(dGrads);
    disposeGrads(dGrads);

    await this.recordLosses(losses);
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
