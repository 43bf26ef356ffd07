import { tf } from '../tf.js';

/** What a parameter is, which decides its PyTorch layout and how it is initialised. */
export type ParamRole =
  | 'conv_weight' // tf [kH,kW,in,out]   torch Conv2d OIHW
  | 'conv_transpose_weight' // tf [kH,kW,out,in]   torch ConvTranspose2d IOHW
  | 'linear_weight' // tf [in,out]   torch nn.Linear [out,in]
  | 'blur_filter' // tf [k,k,C,1]   torch [C,1,k,k]: a fixed anti-aliasing filter (a buffer, never trained)
  | 'bias'
  | 'norm_weight'
  | 'norm_bias'
  | 'running_mean'
  | 'running_var'
  | 'num_batches_tracked';

export interface ParamEntry {
  /** The reference's state_dict key, e.g. `model.10.conv_block.1.weight`. */
  readonly name: string;
  readonly role: ParamRole;
  readonly trainable: boolean;
  readonly torchShape: readonly number[];
  readonly variable: tf.Variable;
}

let uniqueCounter = 0;

/** The parameters and buffers of one network, keyed by the reference's state_dict names. */
export class ParamRegistry {
  private readonly entries = new Map<string, ParamEntry>();

  constructor(readonly owner: string) {}

  add(name: string, role: ParamRole, shape: number[], torchShape: number[]): tf.Variable {
    if (this.entries.has(name)) throw new Error(`${this.owner}: parameter ${name} defined twice`);
    const trainable = role !== 'running_mean' && role !== 'running_var' && role !== 'num_batches_tracked' && role !== 'blur_filter';
    const dtype = role === 'num_batches_tracked' ? 'int32' : 'float32';
    const initial = role === 'running_var' || role === 'norm_weight' ? tf.ones(shape, dtype) : tf.zeros(shape, dtype);
    // tfjs variable names are global to the engine: make them unique across networks.
    const variable = tf.variable(initial, trainable, `${this.owner}/${name}#${++uniqueCounter}`, dtype);
    initial.dispose();
    this.entries.set(name, { name, role, trainable, torchShape, variable });
    return variable;
  }

  get(name: string): ParamEntry | undefined {
    return this.entries.get(name);
  }

  all(): ParamEntry[] {
    return [...this.entries.values()];
  }

  /** Trainable variables keyed by state_dict name, in definition order (= the reference's). */
  trainable(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const e of this.entries.values()) if (e.trainable) out.set(e.name, e.variable);
    return out;
  }

  parameterCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.trainable) n += e.variable.size;
    return n;
  }

  dispose(): void {
    for (const e of this.entries.values()) e.variable.dispose();
    this.entries.clear();
  }
}
