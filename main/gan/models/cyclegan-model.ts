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

  optimizeParameters(): void {
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
    accumulateGrads(
      gGrads,
      gradsOf(() => {
        const fakeB = G_A.forward(realA, ctx);
        const recA = G_B.forward(fakeB, ctx);
        visual('fake_B', fakeB);
        visual('rec_A', recA);
        const lossG = keep('G_A', ganLoss(o.gan_mode, D_A.forward(fakeB, ctx), true));
        const lossCycle = keep('cycle_A', tf.mul(l1Loss(recA, realA), o.lambda_A) as tf.Scalar);
        return tf.add(lossG, lossCycle);
      }, gVars),
    );
    accumulateGrads(
      gGrads,
      gradsOf(() => {
        const fakeA = G_B.forward(realB, ctx);
        const recB = G_A.forward(fakeA, ctx);
        visual('fake_A', fakeA);
        visual('rec_B', recB);
        const lossG = keep('G_B', ganLoss(o.gan_mode, D_B.forward(fakeA, ctx), true));
        const lossCycle = keep('cycle_B', tf.mul(l1Loss(recB, realB), o.lambda_B) as tf.Scalar);
        return tf.add(lossG, lossCycle);
      }, gVars),
    );
    if (o.lambda_identity > 0) {
      accumulateGrads(
        gGrads,
        gradsOf(() => {
          const idtA = G_A.forward(realB, ctx);
          visual('idt_A', idtA);
          return keep('idt_A', tf.mul(l1Loss(idtA, realB), o.lambda_B * o.lambda_identity) as tf.Scalar);
        }, gVars),
      );
      accumulateGrads(
        gGrads,
        gradsOf(() => {
          const idtB = G_B.forward(realA, ctx);
          visual('idt_B', idtB);
          return keep('idt_B', tf.mul(l1Loss(idtB, realA), o.lambda_A * o.lambda_identity) as tf.Scalar);
        }, gVars),
      );
    } else {
      keep('idt_A', tf.scalar(0));
      keep('idt_B', tf.scalar(0));
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

    this.recordLosses(losses);
    for (const t of Object.values(losses)) t.dispose();
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
