import { tf } from '../tf.js';
import { defineD, defineG } from '../networks/define.js';
import type { Network } from '../networks/network.js';
import { ganLoss, gradientPenalty, l1Loss } from '../losses/gan-loss.js';
import { BaseModel } from './base-model.js';
import { checkpointingFor } from './memory-plan.js';
import type { GanModel } from './model.js';
import { gradsOf, namedTrainables, disposeGrads } from './named-grads.js';
import type { Pix2PixOptions } from './options.js';

/**
 * The reference's Pix2PixModel: a conditional GAN whose D judges (input, output) pairs on
 * input_nc + output_nc channels; loss_G = GAN + λ·L1; D is updated first, then G.
 */
export class Pix2PixModel extends BaseModel<Pix2PixOptions> implements GanModel {
  readonly lossNames = ['G_GAN', 'G_L1', 'D_real', 'D_fake'] as const;
  readonly visualNames = ['real_A', 'fake_B', 'real_B'] as const;
  private readonly netG: Network;
  private readonly netD: Network;
  /** Whether the generator's ResNet blocks are recomputed in the backward (memory-plan.ts). */
  readonly checkpointing: boolean;

  constructor(options: Pix2PixOptions) {
    super(options);
    const o = options;
    this.netG = defineG(
      'G',
      { netG: o.netG, inputNc: o.input_nc, outputNc: o.output_nc, ngf: o.ngf, norm: o.norm, useDropout: !o.no_dropout },
      this.initSpec(),
    );
    this.netD = defineD(
      'D',
      { netD: o.netD, inputNc: o.input_nc + o.output_nc, ndf: o.ndf, nLayersD: o.n_layers_D, norm: o.norm },
      this.initSpec(),
    );
    this.createOptimizers({ G: [['G', this.netG]], D: [['D', this.netD]] });
    this.checkpointing = checkpointingFor(o, o.crop_size, tf.getBackend());
  }

  networks(): Map<string, Network> {
    return new Map([
      ['G', this.netG],
      ['D', this.netD],
    ]);
  }

  generator(direction: 'AtoB' | 'BtoA'): Network {
    if (direction !== 'AtoB') throw new Error('a pix2pix model translates in one direction only; train another for B→A');
    return this.netG;
  }

  async optimizeParameters(): Promise<void> {
    const { realA, realB } = this.inputs();
    const o = this.options;
    // Checkpointing (when the memory plan asks for it) changes memory, not values.
    const ctx = { ...this.trainCtx(), checkpoint: this.checkpointing };
    const gVars = namedTrainables([['G', this.netG]]);
    const dVars = namedTrainables([['D', this.netD]]);
    const d = (x: tf.Tensor4D) => this.netD.forward(x, ctx);
    let fakeB: tf.Tensor4D | null = null;
    const losses: Record<string, tf.Scalar> = {};
    // A kept clone (shared data) for reading later; the original flows on, even as a tape's result.
    const keep = (name: string, t: tf.Scalar): tf.Scalar => {
      losses[name] = tf.keep(tf.clone(t));
      return t;
    };

    // One generator forward serves both updates, as in the reference: the D update runs inside
    // G's gradient tape, so the G loss then sees the updated D without a second (different-dropout)
    // forward of G. The tape only follows ops that lead from G's weights to loss_G.
    const gGrads = gradsOf(() => {
      const fake = this.netG.forward(realA, ctx);
      fakeB = tf.keep(fake);
      const dGrads = gradsOf(() => {
        const predFake = d(tf.concat([realA, fake], 3));
        const lossFake = keep('D_fake', ganLoss(o.gan_mode, predFake, false));
        const predReal = d(tf.concat([realA, realB], 3));
        const lossReal = keep('D_real', ganLoss(o.gan_mode, predReal, true));
        let lossD = tf.mul(tf.add(lossFake, lossReal), 0.5) as tf.Scalar;
        if (o.gan_mode === 'wgangp') {
          const gp = gradientPenalty(d, tf.concat([realA, realB], 3), tf.concat([realA, fake], 3), this.rngs.penalty!.nextUint32());
          lossD = tf.add(lossD, gp);
        }
        return lossD;
      }, dVars);
      this.optimizer('D').step(dGrads);
      disposeGrads(dGrads);
      const predFake = d(tf.concat([realA, fake], 3));
      const lossGan = keep('G_GAN', ganLoss(o.gan_mode, predFake, true));
      const lossL1 = keep('G_L1', tf.mul(l1Loss(fake, realB), o.lambda_L1) as tf.Scalar);
      return tf.add(lossGan, lossL1);
    }, gVars);
    this.optimizer('G').step(gGrads);
    disposeGrads(gGrads);

    this.setVisual('fake_B', fakeB!);
    await this.recordLosses(losses);
  }
}
