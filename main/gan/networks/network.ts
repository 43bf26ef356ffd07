import { tf } from '../tf.js';
import type { ForwardContext } from '../layers/context.js';
import type { Layer } from '../layers/layer.js';
import type { ParamRegistry } from '../layers/params.js';
import { fromTorchLayout, toTorchLayout } from '../layers/torch-layout.js';

/** A state_dict entry in the reference's layout (what a .pth or a parity fixture holds). */
export interface TorchTensor {
  shape: number[];
  data: Float32Array | Int32Array;
}

export class StateDictMismatchError extends Error {
  constructor(
    readonly network: string,
    readonly missing: string[],
    readonly unexpected: string[],
    readonly wrongShape: string[],
  ) {
    const parts: string[] = [];
    const list = (xs: string[]) => (xs.length > 8 ? `${xs.slice(0, 8).join(', ')} … (${xs.length} in all)` : xs.join(', '));
    if (missing.length) parts.push(`missing keys: ${list(missing)}`);
    if (unexpected.length) parts.push(`unexpected keys: ${list(unexpected)}`);
    if (wrongShape.length) parts.push(`wrong shapes: ${list(wrongShape)}`);
    super(`the weights do not fit ${network}: ${parts.join('; ')}`);
    this.name = 'StateDictMismatchError';
  }
}

/** A generator or discriminator: its layers plus its parameters under the reference's key names. */
export class Network {
  constructor(
    readonly name: string,
    readonly params: ParamRegistry,
    private readonly root: Layer,
  ) {}

  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return this.root.forward(x, ctx);
  }

  trainable(): Map<string, tf.Variable> {
    return this.params.trainable();
  }

  parameterCount(): number {
    return this.params.parameterCount();
  }

  /**
   * The reference's state_dict: trainable parameters and buffers, in its layout. Asynchronous: a
   * GPU backend (webgpu) cannot read synchronously; all reads are issued at once.
   */
  async torchStateDict(): Promise<Map<string, TorchTensor>> {
    const entries = this.params.all();
    const converted = entries.map((e) => toTorchLayout(e.role, e.variable));
    try {
      const values = await Promise.all(converted.map((t) => t.data<'float32' | 'int32'>()));
      // A copy: the cpu backend hands out its own storage.
      return new Map(entries.map((e, i) => [e.name, { shape: [...e.torchShape], data: values[i]!.slice() }]));
    } finally {
      tf.dispose(converted);
    }
  }

  /**
   * Loads a reference state_dict. All keys are checked before anything is assigned, so a mismatch
   * leaves the network untouched and names every missing, unexpected and wrongly shaped key.
   */
  loadTorchStateDict(sd: ReadonlyMap<string, TorchTensor>): void {
    const entries = this.params.all();
    const known = new Set(entries.map((e) => e.name));
    const missing: string[] = [];
    const wrongShape: string[] = [];
    for (const e of entries) {
      const t = sd.get(e.name);
      if (!t) {
        // Checkpoints from PyTorch < 0.4.1 have no num_batches_tracked; it does not affect outputs.
        if (e.role !== 'num_batches_tracked') missing.push(e.name);
        continue;
      }
      if (t.shape.length !== e.torchShape.length || t.shape.some((d, i) => d !== e.torchShape[i])) {
        wrongShape.push(`${e.name} (${t.shape.join('×') || 'scalar'} given, ${e.torchShape.join('×') || 'scalar'} expected)`);
      }
    }
    const unexpected = [...sd.keys()].filter((k) => !known.has(k));
    if (missing.length || unexpected.length || wrongShape.length) {
      throw new StateDictMismatchError(this.name, missing, unexpected, wrongShape);
    }
    for (const e of entries) {
      const t = sd.get(e.name);
      if (!t) continue;
      const data = e.role === 'num_batches_tracked' ? Int32Array.from(t.data) : Float32Array.from(t.data);
      const value = fromTorchLayout(e.role, data, t.shape);
      e.variable.assign(value);
      value.dispose();
    }
  }

  dispose(): void {
    this.params.dispose();
  }
}
