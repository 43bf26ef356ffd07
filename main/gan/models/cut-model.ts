import { tf } from '../tf.js';
import type { ForwardContext } from '../layers/context.js';
import type { NormType } from '../layers/norm.js';
import { ganLoss } from '../losses/gan-loss.js';
import { patchNceLoss } from '../losses/patch-nce.js';
import type { CutGenerator } from '../networks/cut-generator.js';
import { defineCutD, defineCutG, defineF } from '../networks/define-cut.js';
import type { Network } from '../networks/network.js';
import { seededPatchIds, type PatchIdSource, type PatchSampleF } from '../networks/patch-sample-f.js';
import { Rng } from '../util/rng.js';
import { BaseModel } from './base-model.js';
import { parseNceLayers } from '../../options/index.js';
import { checkpointingFor } from './memory-plan.js';
import type { GanModel } from './model.js';
import { applyGrads, disposeGrads, gradsOf, namedTrainables } from './named-grads.js';
import type { CutOptions } from './options.js';
import { TrainStep } from './train-step.js';

/** Where CUT's random choices come from; tests inject the official run's recorded ones. */
export interface CutRandomness {
  patchIds?: PatchIdSource;
  /** FastCUT's flip draw at each forward (the official np.random.random() < 0.5). */
  flip?: () => boolean;
}

/** Positions h·W + w mirrored along the width: h·W + (W − 1 − w). */
function mirroredIds(ids: Int32Array, width: number): Int32Array {
  return ids.map((id) => id - (id % width) + (width - 1 - (id % width)));
}

/** The key side of calculate_NCE_loss: pooled, L2-normalised key rows per layer and the positions they came from. */
interface NceKeys {
  pooled: tf.Tensor2D[];
  ids: Int32Array[];
}

/**
 * The official CUTModel (taesungp/contrastive-unpaired-translation, b3ac2977): one generator G: A→B,
 * a PatchGAN D judging B, and PatchSampleF F, whose PatchNCE loss makes each patch of G(x) closer to
 * the same patch of x than to x's other patches. CUT adds the same loss on G(y) vs y (nce_idt);
 * FastCUT instead flips the input at random (flip_equivariance) and weights NCE by 10.
 */
export class CutModel extends BaseModel<CutOptions> implements GanModel {
  readonly lossNames: readonly string[];
  readonly visualNames: readonly string[];
  private readonly netG: CutGenerator;
  private readonly netD: Network;
  private readonly netF: PatchSampleF;
  private readonly nceLayers: number[];
  private readonly patchIds: PatchIdSource;
  private readonly drawFlip: () => boolean;
  private flipped = false;
  private initialised = false;
  /** Whether G's ResNet blocks are recomputed in the backward (memory-plan.ts). */
  readonly checkpointing: boolean;

  constructor(options: CutOptions, randomness: CutRandomness = {}) {
    super(options);
    const o = options;
    // Streams of their own (forks of the run's root), saved with the others so resuming is exact.
    const root = new Rng(o.seed);
    this.rngs.patches = root.fork('patches');
    this.rngs.flip = root.fork('flip');
    this.patchIds = randomness.patchIds ?? seededPatchIds((lo, hi) => this.rngs.patches!.randint(lo, hi));
    this.drawFlip = randomness.flip ?? (() => this.rngs.flip!.uniform() < 0.5);
    this.nceLayers = parseNceLayers(o.nce_layers);
    this.lossNames = ['G_GAN', 'D_real', 'D_fake', 'G', 'NCE', ...(o.nce_idt ? ['NCE_Y'] : [])];
    this.visualNames = ['real_A', 'fake_B', 'real_B', ...(o.nce_idt ? ['idt_B'] : [])];
    const anti = { noAntialias: o.no_antialias };
    this.netG = defineCutG(
      'G',
      {
        netG: o.netG,
        inputNc: o.input_nc,
        outputNc: o.output_nc,
        ngf: o.ngf,
        norm: o.normG as NormType,
        useDropout: !o.no_dropout,
        ...anti,
        noAntialiasUp: o.no_antialias_up,
      },
      this.initSpec(),
    );
    this.netD = defineCutD(
      'D',
      { netD: o.netD, inputNc: o.output_nc, ndf: o.ndf, nLayersD: o.n_layers_D, norm: o.normD as NormType, ...anti },
      this.initSpec(),
    );
    this.netF = defineF('F', this.netG, this.nceLayers, o.netF_nc, this.initSpec());
    // The official order [G, D, F]; one LR schedule steps all three.
    this.createOptimizers({ G: [['G', this.netG]], D: [['D', this.netD]], F: [['F', this.netF]] });
    this.checkpointing = checkpointingFor(o, o.crop_size, tf.getBackend());
  }

  networks(): Map<string, Network> {
    return new Map<string, Network>([
      ['G', this.netG],
      ['D', this.netD],
      ['F', this.netF],
    ]);
  }

  generator(direction: 'AtoB' | 'BtoA'): Network {
    if (direction !== 'AtoB') throw new Error('a CUT model translates in one direction only; train another for B→A');
    return this.netG;
  }

  private ctx(): ForwardContext {
    return { ...this.trainCtx(), checkpoint: this.checkpointing };
  }

  /**
   * The official data_dependent_initialize, run before the first step of a new run: one forward
   * and both losses, no optimiser step. Its backward passes only fill gradients the first step
   * zeroes, so they are skipped; its draws (flip, patch ids) are taken as the official takes them.
   */
  async dataDependentInitialize(): Promise<void> {
    const step = new TrainStep(this.ctx());
    try {
      tf.tidy(() => {
        this.flipped = this.options.flip_equivariance && this.drawFlip();
        const { fakeB, idtB } = this.forward(step);
        this.computeDLoss(step, fakeB);
        const keys = this.nceKeySides(step.ctx);
        try {
          this.computeGLoss(step, fakeB, idtB, keys);
        } finally {
          for (const side of keys.values()) tf.dispose(side.pooled);
        }
      });
      this.initialised = true;
      await this.recordStep(step);
    } finally {
      step.dispose();
    }
  }

  // official: optimize_parameters — forward, the D step on the detached fake, then G and F against the updated D.
  async optimizeParameters(): Promise<void> {
    // A resumed run (its optimisers have stepped) was initialised before it was saved.
    if (!this.initialised && this.optimizer('G').stepCount === 0) await this.dataDependentInitialize();
    this.initialised = true;
    const step = new TrainStep(this.ctx());
    this.flipped = this.options.flip_equivariance && this.drawFlip();
    const keys = this.nceKeySides(step.ctx);
    const gfVars = namedTrainables([
      ['G', this.netG],
      ['F', this.netF],
    ]);
    try {
      // D is updated inside G's tape so that one G forward serves both updates, as in the official
      // code; nothing of D's loss reaches G's gradient.
      const grads = gradsOf(() => {
        const { fakeB, idtB } = this.forward(step);
        applyGrads(this.optimizer('D'), this.backwardD(step, fakeB));
        return this.computeGLoss(step, fakeB, idtB, keys);
      }, gfVars);
      this.stepGroups(grads);
      await this.recordStep(step);
    } finally {
      for (const side of keys.values()) tf.dispose(side.pooled);
      step.dispose();
    }
  }

  // official: forward — G on A (and B too with nce_idt), flipped along the width when drawn.
  private forward(step: TrainStep): { fakeB: tf.Tensor4D; idtB: tf.Tensor4D | null } {
    const { realA, realB } = this.inputs();
    let real = this.options.nce_idt ? tf.concat([realA, realB], 0) : realA;
    if (this.flipped) real = tf.reverse(real, 2);
    const fake = this.netG.forward(real, step.ctx);
    const n = realA.shape[0];
    const fakeB = this.options.nce_idt ? tf.slice(fake, [0, 0, 0, 0], [n, -1, -1, -1]) : fake;
    const idtB = this.options.nce_idt ? tf.slice(fake, [n, 0, 0, 0], [-1, -1, -1, -1]) : null;
    this.setVisual('fake_B', fakeB);
    if (idtB) this.setVisual('idt_B', idtB);
    return { fakeB, idtB };
  }

  // official: compute_D_loss — D judges the fake (as a constant) and the real B.
  private computeDLoss(step: TrainStep, fakeB: tf.Tensor4D): tf.Scalar {
    const mode = this.options.gan_mode;
    const lossFake = step.loss('D_fake', ganLoss(mode, this.netD.forward(fakeB, step.ctx), false));
    const lossReal = step.loss('D_real', ganLoss(mode, this.netD.forward(this.inputs().realB, step.ctx), true));
    return tf.mul(tf.add(lossFake, lossReal), 0.5) as tf.Scalar;
  }

  // official: optimize_parameters' D update; only D's variables are differentiated, so the fake acts detached.
  private backwardD(step: TrainStep, fakeB: tf.Tensor4D): Map<string, tf.Tensor> {
    return gradsOf(() => this.computeDLoss(step, fakeB), namedTrainables([['D', this.netD]]));
  }

  // official: compute_G_loss — the GAN loss against the current D plus the NCE terms.
  private computeGLoss(step: TrainStep, fakeB: tf.Tensor4D, idtB: tf.Tensor4D | null, keys: Map<string, NceKeys>): tf.Scalar {
    const o = this.options;
    const ctx = step.ctx;
    const gan =
      o.lambda_GAN > 0 ? (tf.mul(ganLoss(o.gan_mode, this.netD.forward(fakeB, ctx), true), o.lambda_GAN) as tf.Scalar) : tf.scalar(0);
    step.loss('G_GAN', gan);
    const nce = step.loss('NCE', o.lambda_NCE > 0 ? this.nceQuerySide(fakeB, keys.get('NCE')!, ctx).total : tf.scalar(0));
    let nceBoth = nce;
    if (o.nce_idt && idtB) {
      const nceY = step.loss('NCE_Y', o.lambda_NCE > 0 ? this.nceQuerySide(idtB, keys.get('NCE_Y')!, ctx).total : tf.scalar(0));
      nceBoth = tf.mul(tf.add(nce, nceY), 0.5) as tf.Scalar;
    }
    return step.loss('G', tf.add(gan, nceBoth) as tf.Scalar);
  }

  /** The key halves of calculate_NCE_loss (A for NCE, B for NCE_Y), outside any tape: the official detaches them. */
  private nceKeySides(ctx: ForwardContext, ids: Partial<Record<'NCE' | 'NCE_Y', Int32Array[]>> = {}): Map<string, NceKeys> {
    const { realA, realB } = this.inputs();
    const sides = new Map<string, NceKeys>();
    if (this.options.lambda_NCE <= 0) return sides;
    sides.set('NCE', this.nceKeys(realA, ctx, ids.NCE ?? null));
    if (this.options.nce_idt) sides.set('NCE_Y', this.nceKeys(realB, ctx, ids.NCE_Y ?? null));
    return sides;
  }

  private nceKeys(src: tf.Tensor4D, ctx: ForwardContext, ids: Int32Array[] | null): NceKeys {
    let sampled: NceKeys | null = null;
    const pooled = tf.tidy(() => {
      sampled = this.netF.sample(this.netG.encode(src, this.nceLayers, ctx), this.options.num_patches, ids, this.patchIds);
      return sampled.pooled;
    });
    return { pooled, ids: (sampled as NceKeys | null)!.ids };
  }

  /** The query half of calculate_NCE_loss: G's features of the output (flipped back), pooled at the keys' positions. */
  private nceQuerySide(tgt: tf.Tensor4D, keys: NceKeys, ctx: ForwardContext): { total: tf.Scalar; perLayer: tf.Scalar[] } {
    const o = this.options;
    const feats = this.netG.encode(tgt, this.nceLayers, ctx);
    // The official flips the query maps back along the width before sampling; sampling the
    // unflipped maps at the mirrored positions is the same, without reversing whole maps.
    const ids = this.flipped ? keys.ids.map((id, i) => mirroredIds(id, feats[i]!.shape[2])) : keys.ids;
    const { pooled } = this.netF.sample(feats, o.num_patches, ids);
    const batchSize = tgt.shape[0];
    const perLayer = pooled.map((q, i) =>
      tf.mean(
        patchNceLoss(q, keys.pooled[i]!, {
          nceT: o.nce_T,
          batchSize,
          allNegativesFromMinibatch: o.nce_includes_all_negatives_from_minibatch,
        }),
      ),
    );
    const total = tf.div(tf.mul(tf.addN(perLayer), o.lambda_NCE), perLayer.length) as tf.Scalar;
    return { total, perLayer: perLayer as tf.Scalar[] };
  }

  /**
   * calculate_NCE_loss(src, tgt) on its own, with the given patch ids (drawn when absent): the
   * per-layer means before λ_NCE, as the official logs them. For checks against the official code.
   */
  nceLayerLosses(
    src: tf.Tensor4D,
    tgt: tf.Tensor4D,
    ids: Int32Array[] | null,
    flipped = false,
  ): { perLayer: tf.Scalar[]; ids: Int32Array[] } {
    const ctx = this.ctx();
    const keys = this.nceKeys(src, ctx, ids);
    const wasFlipped = this.flipped;
    this.flipped = flipped;
    try {
      const perLayer = tf.tidy(() => this.nceQuerySide(tgt, keys, ctx).perLayer);
      return { perLayer, ids: keys.ids };
    } finally {
      this.flipped = wasFlipped;
      tf.dispose(keys.pooled);
    }
  }

  /** optimizer_G.step() and optimizer_F.step(), each on its own network's gradients. */
  private stepGroups(grads: Map<string, tf.Tensor>): void {
    const forG = new Map([...grads].filter(([k]) => k.startsWith('G.')));
    const forF = new Map([...grads].filter(([k]) => k.startsWith('F.')));
    try {
      this.optimizer('G').step(forG);
      this.optimizer('F').step(forF);
    } finally {
      disposeGrads(grads);
    }
  }

  /** Reads the step's losses by the official names, all at once. */
  private async recordStep(step: TrainStep): Promise<void> {
    await this.recordLosses(Object.fromEntries(this.lossNames.map((n) => [n, step.losses[n]!])));
  }
}
