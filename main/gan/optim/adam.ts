// Adam exactly as torch.optim.Adam computes it (no weight decay, no amsgrad), op for op in float32,
// so that float32 rounding follows torch's as closely as a different runtime allows.
//
// The reference environment (environment.yml at 2a7afba2) pins pytorch 2.4, whose single-tensor
// and foreach paths both update the first moment with lerp; torch <= 1.13 used mul_/add_. The two
// agree mathematically but round differently, so both are offered ('lerp' is the default).
//
// Like torch, each parameter keeps its own step count (state['step']) and its moments are created
// on the first step in which it has a gradient; parameters without a gradient are skipped.
import * as tf from '@tensorflow/tfjs-core';

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  /** Added to the denominator; torch's default 1e-8. */
  eps?: number;
  /** How the first moment is updated: torch >= 2.0 ('lerp', default) or torch <= 1.13 ('mul-add'). */
  firstMomentUpdate?: 'lerp' | 'mul-add';
}

export interface AdamParamState {
  m: tf.Tensor;
  v: tf.Tensor;
  /** How many updates this parameter has received (torch's per-parameter state['step']). */
  step: number;
}

export interface AdamState {
  /** How many times step() has been called. */
  step: number;
  moments: Map<string, AdamParamState>;
}

/** The state as importState accepts it: a per-parameter step defaults to the global step. */
export interface AdamStateInput {
  step: number;
  moments: Map<string, { m: tf.Tensor; v: tf.Tensor; step?: number }>;
}

export class Adam {
  /** Mutable: schedulers set it between steps, as torch schedulers set param_group['lr']. */
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly firstMomentUpdate: 'lerp' | 'mul-add';

  private readonly params: Map<string, tf.Variable>;
  private readonly state = new Map<string, AdamParamState>();
  private steps = 0;

  constructor(params: Map<string, tf.Variable>, opts: AdamOptions) {
    const eps = opts.eps ?? 1e-8;
    if (!(opts.lr >= 0)) throw new RangeError(`Adam: invalid learning rate ${opts.lr}`);
    if (!(eps >= 0)) throw new RangeError(`Adam: invalid eps ${eps}`);
    if (!(opts.beta1 >= 0 && opts.beta1 < 1)) throw new RangeError(`Adam: invalid beta1 ${opts.beta1}`);
    if (!(opts.beta2 >= 0 && opts.beta2 < 1)) throw new RangeError(`Adam: invalid beta2 ${opts.beta2}`);
    for (const [name, p] of params) {
      if (p.dtype !== 'float32') throw new Error(`Adam: parameter ${name} is ${p.dtype}; only float32 can be optimised`);
    }
    this.params = new Map(params);
    this.lr = opts.lr;
    this.beta1 = opts.beta1;
    this.beta2 = opts.beta2;
    this.eps = eps;
    this.firstMomentUpdate = opts.firstMomentUpdate ?? 'lerp';
  }

  get stepCount(): number {
    return this.steps;
  }

  /** Applies one update. The caller keeps ownership of `grads` (they are not disposed). */
  step(grads: Map<string, tf.Tensor> | Record<string, tf.Tensor>): void {
    const gradMap = grads instanceof Map ? grads : new Map(Object.entries(grads));
    for (const [name, g] of gradMap) {
      const p = this.params.get(name);
      if (p === undefined) throw new Error(`Adam: gradient for ${name}, which is not one of this optimiser's parameters`);
      if (!tf.util.arraysEqual(g.shape, p.shape)) {
        throw new Error(`Adam: gradient for ${name} has shape [${g.shape}] but the parameter has [${p.shape}]`);
      }
    }
    this.steps += 1;
    for (const [name, p] of this.params) {
      const g = gradMap.get(name);
      if (g !== undefined) this.updateParam(name, p, g);
    }
  }

  private updateParam(name: string, p: tf.Variable, g: tf.Tensor): void {
    let st = this.state.get(name);
    if (st === undefined) {
      st = { m: tf.keep(tf.zerosLike(p)), v: tf.keep(tf.zerosLike(p)), step: 0 };
      this.state.set(name, st);
    }
    st.step += 1;
    const t = st.step;
    // Scalars are computed in float64 as torch does in Python, then rounded to float32 when they
    // meet a float32 tensor, as torch's kernels cast them.
    const bc1 = 1 - this.beta1 ** t;
    const bc2 = 1 - this.beta2 ** t;
    const stepSize = this.lr / bc1;
    const bc2Sqrt = Math.sqrt(bc2);
    const prev = st;
    const [m, v] = tf.tidy(() => {
      const gf = g.dtype === 'float32' ? g : tf.cast(g, 'float32');
      const m = this.updateFirstMoment(prev.m, gf);
      // torch: exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1-beta2), i.e. v*b2 + ((1-b2)*g)*g.
      const v = tf.add(tf.mul(prev.v, tf.scalar(this.beta2)), tf.mul(tf.mul(gf, tf.scalar(1 - this.beta2)), gf));
      // torch: denom = (sqrt(v) / sqrt(bc2)) + eps; param.addcdiv_(m, denom, value=-step_size).
      const denom = tf.add(tf.div(tf.sqrt(v), tf.scalar(bc2Sqrt)), tf.scalar(this.eps));
      p.assign(tf.add(p, tf.div(tf.mul(m, tf.scalar(-stepSize)), denom)));
      return [tf.keep(m), tf.keep(v)];
    });
    prev.m.dispose();
    prev.v.dispose();
    st.m = m;
    st.v = v;
  }

  private updateFirstMoment(m: tf.Tensor, g: tf.Tensor): tf.Tensor {
    const w = 1 - this.beta1;
    if (this.firstMomentUpdate === 'mul-add') {
      // torch <= 1.13: exp_avg.mul_(beta1).add_(grad, alpha=1-beta1)
      return tf.add(tf.mul(m, tf.scalar(this.beta1)), tf.mul(g, tf.scalar(w)));
    }
    // torch's lerp kernel (ATen/native/Lerp.h) picks the formula by |weight| < 0.5, with the weight
    // in float32 and 1 - weight computed in float32.
    const wf = Math.fround(w);
    if (Math.abs(wf) < 0.5) return tf.add(m, tf.mul(tf.scalar(wf), tf.sub(g, m)));
    return tf.sub(g, tf.mul(tf.sub(g, m), tf.scalar(Math.fround(1 - wf))));
  }

  /**
   * The optimiser's state. The tensors are new handles (tf.clone shares the data, so this is cheap)
   * that the caller owns and must dispose; they stay valid after later steps.
   */
  exportState(): AdamState {
    const moments = new Map<string, AdamParamState>();
    for (const [name, st] of this.state) moments.set(name, { m: tf.clone(st.m), v: tf.clone(st.v), step: st.step });
    return { step: this.steps, moments };
  }

  /** Replaces the state. The caller keeps ownership of the given tensors (they are cloned). */
  importState(state: AdamStateInput): void {
    if (!Number.isSafeInteger(state.step) || state.step < 0) throw new Error(`Adam: invalid step count ${state.step}`);
    for (const [name, mv] of state.moments) {
      const p = this.params.get(name);
      if (p === undefined) throw new Error(`Adam: saved state for ${name}, which is not one of this optimiser's parameters`);
      for (const [label, t] of [
        ['m', mv.m],
        ['v', mv.v],
      ] as const) {
        if (!tf.util.arraysEqual(t.shape, p.shape)) {
          throw new Error(`Adam: saved ${label} for ${name} has shape [${t.shape}] but the parameter has [${p.shape}]`);
        }
        if (t.dtype !== 'float32') throw new Error(`Adam: saved ${label} for ${name} is ${t.dtype}, expected float32`);
      }
      const step = mv.step ?? state.step;
      if (!Number.isSafeInteger(step) || step < 1) throw new Error(`Adam: invalid step count ${step} for ${name}`);
    }
    this.disposeMoments();
    for (const [name, mv] of state.moments) {
      this.state.set(name, { m: tf.keep(tf.clone(mv.m)), v: tf.keep(tf.clone(mv.v)), step: mv.step ?? state.step });
    }
    this.steps = state.step;
  }

  dispose(): void {
    this.disposeMoments();
  }

  private disposeMoments(): void {
    for (const st of this.state.values()) {
      st.m.dispose();
      st.v.dispose();
    }
    this.state.clear();
  }
}
