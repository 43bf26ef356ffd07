import { tf } from '../tf.js';
import type { ForwardContext } from './context.js';
import { underGradientTape } from './tape-depth.js';

/** A network piece. Parameters live in the network's ParamRegistry, not in the layer. */
export interface Layer {
  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D;
}

/** The reference's nn.Sequential: children are numbered, and that number is part of each key. */
export class Sequential implements Layer {
  constructor(readonly children: readonly Layer[]) {}

  /**
   * Each child runs in its own tidy scope. Under a gradient tape this frees a layer's internals
   * as soon as it returns: the backward only reads the tensors ops saved for it (kept clones), so
   * everything else would otherwise live until the end of the whole backward pass. Outside a tape
   * (inference) nothing reads a layer's input again once the next layer has its output, so it is
   * freed at once: a whole-image translation then holds about two full-size maps, not every one.
   */
  forward(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    const inference = !underGradientTape();
    let y = x;
    for (const child of this.children) {
      const input = y;
      y = tf.tidy(() => child.forward(input, ctx));
      if (inference && input !== x && input !== y) input.dispose();
    }
    return y;
  }
}

/** Builds an nn.Sequential: each factory receives the key prefix of its index. */
export function sequential(prefix: string, factories: Array<(prefix: string) => Layer>): Sequential {
  return new Sequential(factories.map((make, i) => make(prefix === '' ? String(i) : `${prefix}.${i}`)));
}
