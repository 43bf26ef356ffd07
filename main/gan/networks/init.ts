import { tf } from '../tf.js';
import type { ParamEntry } from '../layers/params.js';
import { fromTorchLayout } from '../layers/torch-layout.js';
import type { Network } from './network.js';

export type InitType = 'normal' | 'xavier' | 'kaiming' | 'orthogonal';

/** What init needs from the run's RNG (satisfied by util/rng's Rng). */
export interface NormalSource {
  fillNormal(out: Float32Array, mean: number, std: number): void;
}

export interface InitSpec {
  type: InitType;
  gain: number;
  rng: NormalSource;
}

/** torch.nn.init's fan computation on the reference's weight shape (ConvTranspose's quirk included). */
function fans(torchShape: readonly number[]): { fanIn: number; fanOut: number } {
  const receptive = torchShape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: (torchShape[1] ?? 1) * receptive, fanOut: (torchShape[0] ?? 1) * receptive };
}

/** torch.nn.init.orthogonal_: QR of a normal matrix (rows = dim 0), sign-corrected by diag(R). */
function orthogonal(torchShape: readonly number[], gain: number, rng: NormalSource): Float32Array {
  const rows = torchShape[0] ?? 1;
  const cols = torchShape.slice(1).reduce((a, b) => a * b, 1);
  const flat = new Float32Array(rows * cols);
  rng.fillNormal(flat, 0, 1);
  // Work on the tall orientation (m ≥ n), as torch transposes a wide matrix before its QR.
  const wide = rows < cols;
  const m = wide ? cols : rows;
  const n = wide ? rows : cols;
  const a = new Float64Array(m * n); // column-major: column j at a[j*m .. j*m+m)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = flat[r * cols + c] ?? 0;
      if (wide)
        a[r * m + c] = v; // element (c, r) of the transpose
      else a[c * m + r] = v;
    }
  }
  // Modified Gram-Schmidt gives Q with diag(R) > 0, which is what torch's sign correction yields.
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += a[k * m + i]! * a[j * m + i]!;
      for (let i = 0; i < m; i++) a[j * m + i]! -= dot * a[k * m + i]!;
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += a[j * m + i]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < m; i++) a[j * m + i]! /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (wide ? a[r * m + c]! : a[c * m + r]!);
  }
  return out;
}

function weightData(e: ParamEntry, type: InitType, gain: number, rng: NormalSource): Float32Array {
  const size = e.torchShape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  const { fanIn, fanOut } = fans(e.torchShape);
  switch (type) {
    case 'normal':
      rng.fillNormal(data, 0, gain);
      return data;
    case 'xavier':
      rng.fillNormal(data, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
      return data;
    case 'kaiming':
      // kaiming_normal_(a=0, mode='fan_in'): the reference ignores init_gain here.
      rng.fillNormal(data, 0, Math.sqrt(2) / Math.sqrt(fanIn));
      return data;
    case 'orthogonal':
      return orthogonal(e.torchShape, gain, rng);
  }
}

/** The reference's init_weights(): conv and linear weights by type, their biases 0, batch-norm gamma N(1, gain), beta 0. */
function initWeights(net: Network, type: InitType, gain: number, rng: NormalSource): void {
  for (const e of net.params.all()) {
    let value: tf.Tensor | null = null;
    if (e.role === 'conv_weight' || e.role === 'conv_transpose_weight' || e.role === 'linear_weight') {
      value = fromTorchLayout(e.role, weightData(e, type, gain, rng), e.torchShape);
    } else if (e.role === 'norm_weight') {
      const data = new Float32Array(e.variable.size);
      rng.fillNormal(data, 1, gain);
      value = tf.tensor(data, e.variable.shape);
    } else if (e.role === 'bias' || e.role === 'norm_bias') {
      value = tf.zeros(e.variable.shape);
    }
    if (value) {
      e.variable.assign(value);
      value.dispose();
    }
  }
}

/** The reference's init_net: every define_* initialises what it builds, unless weights will be loaded anyway (null). */
export function initNet<N extends Network>(net: N, init: InitSpec | null): N {
  if (init) initWeights(net, init.type, init.gain, init.rng);
  return net;
}
