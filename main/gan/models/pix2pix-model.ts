import { tf } from '../tf.js';
import { defineD, defineG } from '../networks/define.js';
import type { Network } from '../networks/network.js';
import { ganLoss, gradientPenalty, l1Loss } from '../losses/gan-loss.js';
import { BaseModel } from './base-model.js';
import { checkpointingFor } from './memory-plan.js';
import type { GanModel } from './model.js';
import { applyGrads, gradsOf, namedTrainables } from './named-grads.js';
import type { Pix2PixOptions } from './options.js';
import { TrainStep } from './train-step.js';

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

  // reference: optimize_parameters — forward, then D's update, then G's.
  async optimizeParameters(): Promise<void> {
    // Checkpointing (when the memory plan asks for it) changes memory, not values.
    const step = new TrainStep({ ...this.trainCtx(), checkpoint: this.checkpointing });
    try {
      // One generator forward serves both updates, as in the reference: D's update runs inside G's
      // gradient tape, so loss_G then sees the updated D without a second (different-dropout)
      // forward of G. The tape only follows ops that lead from G's weights to loss_G.
      const gGrads = gradsOf(
        () => {
          const fakeB = this.forward(step);
          applyGrads(this.optimizer('D'), this.backwardD(step, fakeB));
          return this.backwardG(step, fakeB);
        },
        namedTrainables([['G', this.netG]]),
      );
      applyGrads(this.optimizer('G'), gGrads);
      await this.recordLosses(step.losses);
    } finally {
      step.dispose();
    }
  }

  // reference: forward
  private forward(step: TrainStep): tf.Tensor4D {
    const fakeB = this.netG.forward(this.inputs().realA, step.ctx);
    this.setVisual('fake_B', fakeB);
    return fakeB;
  }

  // reference: backward_D (D's gradients only: fake_B is a constant to them, as detach() makes it)
  private backwardD(step: TrainStep, fakeB: tf.Tensor4D): Map<string, tf.Tensor> {
    const { realA, realB } = this.inputs();
    const gan = this.options.gan_mode;
    const d = (x: tf.Tensor4D) => this.netD.forward(x, step.ctx);
    return gradsOf(
      () => {
        const lossFake = step.loss('D_fake', ganLoss(gan, d(tf.concat([realA, fakeB], 3)), false));
        const lossReal = step.loss('D_real', ganLoss(gan, d(tf.concat([realA, realB], 3)), true));
        const lossD = tf.mul(tf.add(lossFake, lossReal), 0.5) as tf.Scalar;
        if (gan !== 'wgangp') return lossD;
        const seed = this.rngs.penalty!.nextUint32();
        return tf.add(lossD, gradientPenalty(d, tf.concat([realA, realB], 3), tf.concat([realA, fakeB], 3), seed));
      },
      namedTrainables([['D', this.netD]]),
    );
  }

  // reference: backward_G
  private backwardG(step: TrainStep, fakeB: tf.Tensor4D): tf.Scalar {
    const { realA, realB } = this.inputs();
    const predFake = this.netD.forward(tf.concat([realA, fakeB], 3), step.ctx);
    const lossGan = step.loss('G_GAN', ganLoss(this.options.gan_mode, predFake, true));
    const lossL1 = step.loss('G_L1', tf.mul(l1Loss(fakeB, realB), this.options.lambda_L1) as tf.Scalar);
    return tf.add(lossGan, lossL1);
  }
}
