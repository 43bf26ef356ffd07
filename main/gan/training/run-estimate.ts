// How long a run takes, from before it starts to its last step — the one estimator of the studio,
// the CLI and the trainer. Before any step: multiply-accumulates of the chosen networks (counted
// layer by layer from the architecture, crop and widths) × passes per iteration, divided by a
// per-backend throughput calibrated on the bench (PyTorch CPU, 2 threads: CycleGAN ResNet-9 at
// 256 ≈ 9.4 s/iteration). Once a run has measured a few steps (StepSpeed), their speed replaces it.
// Free of TensorFlow.js and Node: the renderer shares it through main/api/run-estimate.ts.
import type { ModelOptions } from '../models/options.js';
import { RESNET_BLOCKS, UNET_DOWNSAMPLINGS } from '../networks/geometry.js';

type ResolvedRunOptions = ModelOptions;
/** The backends a run computes on (the studio's 'auto' resolved). */
export type ComputeBackend = 'gpu' | 'webgpu' | 'node' | 'wasm' | 'cpu';

/** Number of epochs a run will train. */
export function epochCount(o: Pick<ResolvedRunOptions, 'n_epochs' | 'n_epochs_decay' | 'epoch_count'>): number {
  return Math.max(0, o.n_epochs + o.n_epochs_decay - o.epoch_count + 1);
}

interface Layer {
  k: number;
  cin: number;
  cout: number;
  /** Output side length (px) for convs; input side for transposed convs (same MAC count). */
  side: number;
}

function convMacs(l: Layer): number {
  return l.k * l.k * l.cin * l.cout * l.side * l.side;
}

function generatorLayers(o: Pick<ResolvedRunOptions, 'netG' | 'ngf' | 'input_nc' | 'output_nc'>, s: number): Layer[] {
  const { ngf, input_nc: inc, output_nc: onc } = o;
  if (o.netG === 'resnet_9blocks' || o.netG === 'resnet_6blocks') {
    const blocks = RESNET_BLOCKS[o.netG];
    const layers: Layer[] = [
      { k: 7, cin: inc, cout: ngf, side: s },
      { k: 3, cin: ngf, cout: 2 * ngf, side: s / 2 },
      { k: 3, cin: 2 * ngf, cout: 4 * ngf, side: s / 4 },
    ];
    for (let i = 0; i < blocks * 2; i++) layers.push({ k: 3, cin: 4 * ngf, cout: 4 * ngf, side: s / 4 });
    layers.push(
      { k: 3, cin: 4 * ngf, cout: 2 * ngf, side: s / 4 },
      { k: 3, cin: 2 * ngf, cout: ngf, side: s / 2 },
      { k: 7, cin: ngf, cout: onc, side: s },
    );
    return layers;
  }
  const downs = UNET_DOWNSAMPLINGS[o.netG];
  const chans = [inc, ngf, 2 * ngf, 4 * ngf, 8 * ngf];
  while (chans.length < downs + 1) chans.push(8 * ngf);
  const layers: Layer[] = [];
  for (let i = 0; i < downs; i++) {
    const side = Math.max(1, s / 2 ** (i + 1));
    layers.push({ k: 4, cin: chans[i]!, cout: chans[i + 1]!, side });
    const upIn = i === downs - 1 ? chans[i + 1]! : 2 * chans[i + 1]!;
    const upOut = i === 0 ? onc : chans[i]!;
    layers.push({ k: 4, cin: upIn, cout: upOut, side });
  }
  return layers;
}

function discriminatorLayers(o: Pick<ResolvedRunOptions, 'netD' | 'ndf' | 'n_layers_D'>, cin: number, s: number): Layer[] {
  const { ndf } = o;
  if (o.netD === 'pixel')
    return [
      { k: 1, cin, cout: ndf, side: s },
      { k: 1, cin: ndf, cout: 2 * ndf, side: s },
      { k: 1, cin: 2 * ndf, cout: 1, side: s },
    ];
  const n = o.netD === 'basic' ? 3 : o.n_layers_D;
  const layers: Layer[] = [{ k: 4, cin, cout: ndf, side: s / 2 }];
  let mult = 1;
  let side = s / 2;
  for (let i = 1; i < n; i++) {
    const prev = mult;
    mult = Math.min(2 ** i, 8);
    side /= 2;
    layers.push({ k: 4, cin: ndf * prev, cout: ndf * mult, side: Math.max(1, side) });
  }
  const prev = mult;
  mult = Math.min(2 ** n, 8);
  layers.push(
    { k: 4, cin: ndf * prev, cout: ndf * mult, side: Math.max(1, side - 1) },
    { k: 4, cin: ndf * mult, cout: 1, side: Math.max(1, side - 2) },
  );
  return layers;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export interface NetworkCost {
  gMacs: number;
  dMacs: number;
  /** Activation elements of one forward pass (conv outputs; norms and activations ×3). */
  gActs: number;
  dActs: number;
  params: number;
}

export function networkCost(o: ResolvedRunOptions): NetworkCost {
  const s = o.crop_size;
  const g = generatorLayers(o, s);
  const dIn = o.model === 'pix2pix' ? o.input_nc + o.output_nc : o.output_nc;
  const d = discriminatorLayers(o, dIn, s);
  const acts = (ls: Layer[]) => 3 * sum(ls.map((l) => l.cout * l.side * l.side * (l.k === 4 && ls === g ? 2 : 1)));
  const params = (ls: Layer[]) => sum(ls.map((l) => l.k * l.k * l.cin * l.cout + l.cout));
  const nets = o.model === 'cyclegan' ? 2 : 1;
  return {
    gMacs: sum(g.map(convMacs)),
    dMacs: sum(d.map(convMacs)),
    gActs: acts(g),
    dActs: acts(d),
    params: nets * (params(g) + params(d)),
  };
}

/**
 * CUT's generator work per image in whole-G forwards: G on A (and on B with nce_idt), forward and
 * backward (3), the NCE query encoder pass on each output with its backward (3 × ~0.6 of G: the
 * taps end at layer 16) and the key encoder pass, forward only (0.6).
 */
function cutGeneratorPasses(o: Extract<ResolvedRunOptions, { model: 'cut' }>): number {
  const encoder = 0.6;
  return (o.nce_idt ? 2 : 1) * (3 + 3 * encoder + encoder);
}

/** Multiply-accumulates of one training iteration (one image), forward and backward. */
export function iterationMacs(o: ResolvedRunOptions): number {
  const c = networkCost(o);
  if (o.model === 'cut') return cutGeneratorPasses(o) * c.gMacs + 9 * c.dMacs;
  if (o.model === 'pix2pix') return 3 * c.gMacs + 9 * c.dMacs;
  const gPasses = o.lambda_identity > 0 ? 6 : 4;
  return 3 * gPasses * c.gMacs + 18 * c.dMacs;
}

/** Conv layers run per iteration (forward and backward), each with its norm and activation ops. */
export function iterationLayerPasses(o: ResolvedRunOptions): number {
  const s = o.crop_size;
  const g = generatorLayers(o, s).length;
  const d = discriminatorLayers(o, 3, s).length;
  if (o.model === 'cut') return Math.round(cutGeneratorPasses(o) * g) + 9 * d;
  if (o.model === 'pix2pix') return 3 * g + 9 * d;
  return 3 * (o.lambda_identity > 0 ? 6 : 4) * g + 18 * d;
}

/**
 * Fixed cost per layer pass (kernel dispatch, norms, activations, memory traffic), seconds. It
 * dominates small networks: the studio's wasm backend measured ≈ 0.8 s per Quick-draft pix2pix
 * step on 2 cores, 20× what the multiply-adds alone predict.
 */
export const BACKEND_LAYER_OVERHEAD_S: Record<ComputeBackend, number> = {
  gpu: 0.0005,
  webgpu: 0.001,
  node: 0.001,
  wasm: 0.007,
  cpu: 0.01,
};

/**
 * Effective multiply-accumulates per second by backend for ResNet generators, deliberately round:
 * `node` matches the bench's PyTorch CPU reference (2 threads: CycleGAN ResNet-9 at 256 ≈ 9.4 s
 * per iteration, ≈ 1e11 MAC/s).
 */
export const BACKEND_MACS_PER_SECOND: Record<ComputeBackend, number> = {
  gpu: 3e12,
  // A mid-range GPU through WebGPU, before any run here measured it (then that figure is used).
  webgpu: 1e12,
  node: 1e11,
  wasm: 5e10,
  cpu: 3e9,
};

/** U-Nets run at a quarter of that (4×4 convs on small maps; pix2pix U-Net-256 ≈ 1.9 s in the same bench). */
export function architectureEfficiency(netG: ResolvedRunOptions['netG']): number {
  return netG.startsWith('unet') ? 0.25 : 1;
}

export interface Estimate {
  backend: ComputeBackend;
  /** True when scaled from a run measured on this machine, false when from built-in figures only. */
  measured: boolean;
  secondsPerIteration: number;
  iterationsPerEpoch: number;
  secondsPerEpoch: number;
  epochs: number;
  totalSeconds: number;
  /** Peak working memory of the trainer, bytes. */
  memoryBytes: number;
}

/** A step this machine measured on a backend, with the options of the run that measured it. */
export interface MeasuredStep {
  secondsPerIteration: number;
  options: ResolvedRunOptions;
}

/** Seconds per step from the built-in per-backend figures. */
function modelledSeconds(o: ResolvedRunOptions, backend: ComputeBackend): number {
  const macs = iterationMacs(o) * o.batch_size;
  const overhead = o.batch_size * iterationLayerPasses(o) * BACKEND_LAYER_OVERHEAD_S[backend];
  return macs / (BACKEND_MACS_PER_SECOND[backend] * architectureEfficiency(o.netG)) + overhead;
}

/**
 * Seconds per step and per epoch. With `measured` (this machine's latest run on `backend`), the
 * built-in figures are scaled by how that run's measured step compares with what they predict for
 * it, so the estimate follows this machine's actual speed on that backend.
 */
export function estimateRun(o: ResolvedRunOptions, images: number, backend: ComputeBackend, measured?: MeasuredStep): Estimate {
  const scale = measured ? measured.secondsPerIteration / modelledSeconds(measured.options, backend) : 1;
  const secondsPerIteration = modelledSeconds(o, backend) * scale;
  const perEpoch = Math.min(images, o.max_dataset_size ?? Number.POSITIVE_INFINITY);
  const iterationsPerEpoch = Math.ceil(perEpoch / o.batch_size);
  const c = networkCost(o);
  // Activations kept for the backward pass of every forward in an iteration, float32, plus
  // weights, gradients and Adam's two moments, plus ~300 MB of runtime overhead.
  const liveForwards =
    o.model === 'pix2pix'
      ? c.gActs + 3 * c.dActs
      : o.model === 'cut'
        ? (o.nce_idt ? 2 : 1) * 1.6 * c.gActs + 3 * c.dActs
        : (o.lambda_identity > 0 ? 6 : 4) * c.gActs + 4 * c.dActs;
  const memoryBytes = 4 * (o.batch_size * liveForwards + 4 * c.params) + 300 * 2 ** 20;
  const secondsPerEpoch = secondsPerIteration * iterationsPerEpoch;
  const epochs = epochCount(o);
  const totalSeconds = secondsPerEpoch * epochs;
  return {
    backend,
    measured: Boolean(measured),
    secondsPerIteration,
    iterationsPerEpoch,
    secondsPerEpoch,
    epochs,
    totalSeconds,
    memoryBytes,
  };
}

/**
 * Steps after each start of the trainer that are not measured: the first one compiles the backend's
 * kernels and allocates every buffer of the networks and optimisers, so it runs longer than the
 * ones after it, and an average seeded with it would lag for dozens of steps.
 */
export const WARMUP_STEPS = 1;
/**
 * Measured steps before their speed replaces the estimate. Their median is taken, so one slow step
 * among them (a garbage collection, a sample grid, a busy moment of the machine) does not set the
 * ETA; three is the fewest with a median that ignores one outlier, and a step of a large network
 * can take many seconds, so waiting for more would show an estimate longer than needed.
 */
export const STEPS_BEFORE_MEASURED = 3;

export const SPEED_BASES = ['estimate', 'measured'] as const;
export type SpeedBasis = (typeof SPEED_BASES)[number];

/**
 * Seconds per training step, as an ETA should use them: the estimate until STEPS_BEFORE_MEASURED
 * steps are measured after the warm-up, then their median, followed by a moving average of the
 * later steps so one slow step (a checkpoint save) does not swing the ETA.
 */
export class StepSpeed {
  private toSkip = WARMUP_STEPS;
  private readonly first: number[] = [];
  private average: number | null = null;

  constructor(
    private readonly estimate: number,
    private readonly smoothing = 0.1,
  ) {}

  /** One step took `seconds`. */
  record(seconds: number): void {
    if (this.toSkip > 0) {
      this.toSkip--;
    } else if (this.average !== null) {
      this.average += this.smoothing * (seconds - this.average);
    } else {
      this.first.push(seconds);
      if (this.first.length === STEPS_BEFORE_MEASURED) this.average = median(this.first);
    }
  }

  get basis(): SpeedBasis {
    return this.average === null ? 'estimate' : 'measured';
  }

  get secondsPerStep(): number {
    return this.average ?? this.estimate;
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Seconds left in the epoch and in the run, from where the run stands (images) and the step speed. */
export function remainingSeconds(
  at: { epoch: number; epochIter: number },
  run: { epochSize: number; lastEpoch: number; batchSize: number },
  secondsPerStep: number,
): { epoch: number; run: number } {
  const perImage = secondsPerStep / run.batchSize;
  const inEpoch = Math.max(0, run.epochSize - at.epochIter);
  const laterEpochs = Math.max(0, run.lastEpoch - at.epoch);
  return { epoch: inEpoch * perImage, run: (inEpoch + laterEpochs * run.epochSize) * perImage };
}
