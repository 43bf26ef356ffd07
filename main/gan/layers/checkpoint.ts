import { tf } from '../tf.js';
import type { ForwardContext } from './context.js';
import { firstOrderOnly } from './tape-depth.js';

/**
 * Gradient checkpointing for one block: y = body(x), run as a single custom-gradient op that
 * keeps only x for the backward. Its gradient recomputes body(x) under a fresh tape and
 * differentiates that, so the block's activations and their gradients exist only while that one
 * block is being differentiated instead of for the whole backward pass.
 *
 * Exactness: the recompute sees the same input, weights and dropout seeds (recorded in the forward
 * and replayed), and batch-norm running statistics are updated only by the forward
 * (updateStats off in the recompute), so values and gradients equal the uncheckpointed ones.
 * The block's trainable variables are explicit inputs of the op so their gradients flow out of it.
 */
export function checkpointed(
  body: (x: tf.Tensor4D, ctx: ForwardContext) => tf.Tensor4D,
  x: tf.Tensor4D,
  vars: readonly tf.Variable[],
  ctx: ForwardContext,
): tf.Tensor4D {
  if (!firstOrderOnly()) return body(x, ctx);
  const seeds: number[] = [];
  const recording: ForwardContext = { ...ctx, checkpoint: false, nextSeed: () => recordSeed(seeds, ctx.nextSeed()) };
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor4D;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const value = tf.tidy(() => body(input, recording));
    save([input]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      let next = 0;
      const replay: ForwardContext = { ...ctx, checkpoint: false, updateStats: false, nextSeed: () => seeds[next++]! };
      const xs = saved[0] as tf.Tensor4D;
      const grads = nestedGradients(() => body(xs, replay), [xs, ...vars], dy);
      dy.dispose(); // never read again by the outer backward; see releasing() in norm.ts
      return grads;
    };
    return { value, gradFunc };
  });
  return op(x, ...vars) as tf.Tensor4D;
}

function recordSeed(seeds: number[], seed: number): number {
  seeds.push(seed);
  return seed;
}

interface EngineWithTape {
  state: { activeTape: unknown };
  gradients(
    f: () => tf.Tensor,
    xs: tf.Tensor[],
    dy: tf.Tensor,
    allowNoGradients: boolean,
  ): { value: tf.Tensor; grads: Array<tf.Tensor | undefined> };
}

/**
 * d(f)/d(xs) contracted with dy, called from inside an outer backward pass. tfjs's
 * engine.gradients() assumes it is the only one: on return it sets the engine's active tape to
 * null, and the outer backward then fails disposing its own tape's saved tensors. The outer tape
 * is put back afterwards. Inputs f does not reach get zero gradients.
 */
function nestedGradients(f: () => tf.Tensor, xs: tf.Tensor[], dy: tf.Tensor): tf.Tensor[] {
  const engine = tf.engine() as unknown as EngineWithTape;
  const outerTape = engine.state.activeTape;
  try {
    const { value, grads } = engine.gradients(f, xs, dy, true);
    value.dispose();
    return grads.map((g, i) => g ?? tf.zerosLike(xs[i]!));
  } finally {
    engine.state.activeTape = outerTape;
  }
}
