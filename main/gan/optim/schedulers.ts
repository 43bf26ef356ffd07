// The reference's learning-rate policies (models/networks.py get_scheduler), reproducing the torch
// schedulers as torch 2.4 (the reference environment) computes them when step() is called without
// an epoch argument:
//   linear  LambdaLR, closed form: lr = base * lambda(last_epoch)
//   step    StepLR(step_size=lr_decay_iters, gamma=0.1), recursive: lr *= 0.1 every step_size steps
//   plateau ReduceLROnPlateau(mode='min', factor=0.2, threshold=0.01 'rel', patience=5, eps=1e-8)
//   cosine  CosineAnnealingLR(T_max=n_epochs, eta_min=0), torch's *recursive* get_lr (not
//           _get_closed_form_lr), so the values carry its float64 rounding and its behaviour past
//           T_max (the lr rises again along the cosine instead of staying at 0).
//
// When the reference steps: train.py calls model.update_learning_rate() once at the END of every
// epoch (after the epoch's last iteration, before the epoch-end save), and the scheduler's
// constructor already applied the value for last_epoch 0. So the lr used during train.py epoch `e`
// (which runs from epoch_count to n_epochs + n_epochs_decay) is the value after
// e - epoch_count steps. For 'plateau' the reference passes model.metric, which no model ever
// updates from its initial 0, so the plateau policy reduces the lr after every sixth epoch-end step.
//
// One LrScheduler drives several optimisers with one lr; the reference builds one torch scheduler
// per optimiser, but all start from opt.lr and receive the same steps, so they stay equal.

export type LrPolicy = 'linear' | 'step' | 'plateau' | 'cosine';

export interface SchedulerOptions {
  policy: LrPolicy;
  lr: number;
  n_epochs: number;
  n_epochs_decay: number;
  epoch_count: number;
  lr_decay_iters: number;
}

export interface PlateauState {
  /** Best metric so far; null stands for +Infinity (JSON has no infinities). */
  best: number | null;
  numBadEpochs: number;
  cooldownCounter: number;
}

export interface SchedulerState {
  policy: LrPolicy;
  baseLr: number;
  /** torch's last_epoch: how many times step() has been called. */
  lastEpoch: number;
  lr: number;
  plateau: PlateauState | null;
}

const STEP_GAMMA = 0.1;
const PLATEAU = { factor: 0.2, threshold: 0.01, patience: 5, cooldown: 0, minLr: 0, eps: 1e-8 } as const;
const POLICIES: readonly LrPolicy[] = ['linear', 'step', 'plateau', 'cosine'];

function validateOptions(opts: SchedulerOptions): void {
  if (!POLICIES.includes(opts.policy)) {
    throw new Error(`learning rate policy [${String(opts.policy)}] is not implemented (use ${POLICIES.join(', ')})`);
  }
  if (!(Number.isFinite(opts.lr) && opts.lr >= 0)) throw new RangeError(`invalid learning rate ${opts.lr}`);
  if (opts.policy === 'linear' && !(Number.isInteger(opts.n_epochs_decay) && opts.n_epochs_decay >= 0)) {
    throw new RangeError(`the linear policy needs n_epochs_decay >= 0, got ${opts.n_epochs_decay}`);
  }
  if (opts.policy === 'step' && !(Number.isInteger(opts.lr_decay_iters) && opts.lr_decay_iters >= 1)) {
    throw new RangeError(`the step policy needs lr_decay_iters >= 1, got ${opts.lr_decay_iters}`);
  }
  if (opts.policy === 'cosine' && !(Number.isInteger(opts.n_epochs) && opts.n_epochs >= 1)) {
    throw new RangeError(`the cosine policy needs n_epochs >= 1 (its T_max), got ${opts.n_epochs}`);
  }
}

function linearFactor(opts: SchedulerOptions, lastEpoch: number): number {
  return 1.0 - Math.max(0, lastEpoch + opts.epoch_count - opts.n_epochs) / (opts.n_epochs_decay + 1);
}

/** The lr after step number `lastEpoch` (>= 1), given the lr before it, for the non-plateau policies. */
function nextLr(opts: SchedulerOptions, lastEpoch: number, prevLr: number): number {
  const base = opts.lr;
  switch (opts.policy) {
    case 'linear':
      return base * linearFactor(opts, lastEpoch);
    case 'step':
      return lastEpoch % opts.lr_decay_iters === 0 ? prevLr * STEP_GAMMA : prevLr;
    case 'cosine': {
      const tMax = opts.n_epochs;
      const etaMin = 0;
      if ((lastEpoch - 1 - tMax) % (2 * tMax) === 0) {
        return prevLr + ((base - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
      }
      return (
        ((1 + Math.cos((Math.PI * lastEpoch) / tMax)) / (1 + Math.cos((Math.PI * (lastEpoch - 1)) / tMax))) * (prevLr - etaMin) + etaMin
      );
    }
    case 'plateau':
      throw new Error('the plateau policy depends on the metric; it has no schedule to compute');
  }
}

function initialLr(opts: SchedulerOptions): number {
  return opts.policy === 'linear' ? opts.lr * linearFactor(opts, 0) : opts.lr;
}

export class LrScheduler {
  private readonly opts: SchedulerOptions;
  private readonly optimizers: { lr: number }[];
  private lastEpoch = 0;
  private current: number;
  private plateau: { best: number; numBadEpochs: number; cooldownCounter: number } | null;

  /** Sets every optimiser's lr to the initial value, as torch's scheduler constructor does. */
  constructor(opts: SchedulerOptions, optimizers: { lr: number }[]) {
    validateOptions(opts);
    this.opts = { ...opts };
    this.optimizers = optimizers;
    this.current = initialLr(opts);
    this.plateau = opts.policy === 'plateau' ? { best: Infinity, numBadEpochs: 0, cooldownCounter: 0 } : null;
    this.apply();
  }

  get lr(): number {
    return this.current;
  }

  /** Call once per epoch, after its last iteration (as train.py does); `metric` only for 'plateau'. */
  step(metric?: number): void {
    if (this.plateau !== null) {
      if (metric === undefined || Number.isNaN(metric)) {
        throw new Error('the plateau policy needs a metric in step(metric); the reference always passes 0');
      }
      this.stepPlateau(metric, this.plateau);
    } else {
      this.lastEpoch += 1;
      this.current = nextLr(this.opts, this.lastEpoch, this.current);
    }
    this.apply();
  }

  exportState(): SchedulerState {
    const p = this.plateau;
    return {
      policy: this.opts.policy,
      baseLr: this.opts.lr,
      lastEpoch: this.lastEpoch,
      lr: this.current,
      plateau:
        p === null ? null : { best: p.best === Infinity ? null : p.best, numBadEpochs: p.numBadEpochs, cooldownCounter: p.cooldownCounter },
    };
  }

  /** Restores a state from exportState() and applies its lr to the optimisers. */
  importState(s: SchedulerState): void {
    if (s.policy !== this.opts.policy) {
      throw new Error(`saved scheduler state is for policy '${s.policy}', but this run uses '${this.opts.policy}'`);
    }
    if (!Number.isSafeInteger(s.lastEpoch) || s.lastEpoch < 0) throw new Error(`invalid scheduler lastEpoch ${s.lastEpoch}`);
    if (!(Number.isFinite(s.lr) && s.lr >= 0)) throw new Error(`invalid scheduler lr ${s.lr}`);
    if (this.opts.policy === 'plateau') {
      const p = s.plateau;
      if (p === null || typeof p !== 'object') throw new Error('saved plateau scheduler state has no plateau fields');
      if (p.best !== null && !Number.isFinite(p.best)) throw new Error(`invalid plateau best ${p.best}`);
      if (!Number.isSafeInteger(p.numBadEpochs) || p.numBadEpochs < 0) throw new Error(`invalid plateau numBadEpochs ${p.numBadEpochs}`);
      if (!Number.isSafeInteger(p.cooldownCounter) || p.cooldownCounter < 0) {
        throw new Error(`invalid plateau cooldownCounter ${p.cooldownCounter}`);
      }
      this.plateau = { best: p.best ?? Infinity, numBadEpochs: p.numBadEpochs, cooldownCounter: p.cooldownCounter };
    }
    this.lastEpoch = s.lastEpoch;
    this.current = s.lr;
    this.apply();
  }

  private stepPlateau(metric: number, p: { best: number; numBadEpochs: number; cooldownCounter: number }): void {
    this.lastEpoch += 1;
    // mode 'min', threshold_mode 'rel': better means below best * (1 - threshold).
    if (metric < p.best * (1 - PLATEAU.threshold)) {
      p.best = metric;
      p.numBadEpochs = 0;
    } else {
      p.numBadEpochs += 1;
    }
    if (p.cooldownCounter > 0) {
      p.cooldownCounter -= 1;
      p.numBadEpochs = 0;
    }
    if (p.numBadEpochs > PLATEAU.patience) {
      const newLr = Math.max(this.current * PLATEAU.factor, PLATEAU.minLr);
      // torch ignores reductions smaller than eps.
      if (this.current - newLr > PLATEAU.eps) this.current = newLr;
      p.cooldownCounter = PLATEAU.cooldown;
      p.numBadEpochs = 0;
    }
  }

  private apply(): void {
    for (const o of this.optimizers) o.lr = this.current;
  }
}

/**
 * The lr in effect during train.py epoch `epoch` (1-based, epoch_count <= epoch) of a run started
 * at opts.epoch_count, for the metric-free policies. Replays the scheduler so it equals LrScheduler
 * bit for bit, including the recursive rounding of 'step' and 'cosine'.
 */
export function lrForEpoch(opts: SchedulerOptions, epoch: number): number {
  validateOptions(opts);
  if (opts.policy === 'plateau') throw new Error('the plateau policy depends on the metric; it has no schedule to compute');
  if (!Number.isInteger(epoch) || epoch < opts.epoch_count) {
    throw new RangeError(`epoch ${epoch} is before the run's first epoch (epoch_count ${opts.epoch_count})`);
  }
  let lr = initialLr(opts);
  for (let k = 1; k <= epoch - opts.epoch_count; k++) lr = nextLr(opts, k, lr);
  return lr;
}

/** The whole run's schedule, one entry per train.py epoch (epoch_count .. n_epochs + n_epochs_decay). */
export function lrSchedule(opts: SchedulerOptions): { epoch: number; lr: number }[] {
  validateOptions(opts);
  if (opts.policy === 'plateau') throw new Error('the plateau policy depends on the metric; it has no schedule to compute');
  const out: { epoch: number; lr: number }[] = [];
  let lr = initialLr(opts);
  const last = opts.n_epochs + opts.n_epochs_decay;
  for (let epoch = opts.epoch_count; epoch <= last; epoch++) {
    if (epoch > opts.epoch_count) lr = nextLr(opts, epoch - opts.epoch_count, lr);
    out.push({ epoch, lr });
  }
  return out;
}
