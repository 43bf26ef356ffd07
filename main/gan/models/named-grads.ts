import { tf } from '../tf.js';
import type { Network } from '../networks/network.js';
import type { Adam } from '../optim/adam.js';

/** Trainable variables of several networks, keyed `<network>.<state_dict key>` (e.g. `G_A.model.1.weight`). */
export function namedTrainables(nets: ReadonlyArray<readonly [string, Network]>): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const [prefix, net] of nets) for (const [k, v] of net.trainable()) out.set(`${prefix}.${k}`, v);
  return out;
}

/**
 * Gradients of `loss` with respect to `vars`, keyed like `vars`. Variables the loss does not reach
 * get no entry (torch leaves their .grad as None and Adam skips them).
 */
export function gradsOf(loss: () => tf.Scalar, vars: Map<string, tf.Variable>): Map<string, tf.Tensor> {
  const byVarName = new Map<string, string>();
  for (const [k, v] of vars) byVarName.set(v.name, k);
  const { value, grads } = tf.variableGrads(loss, [...vars.values()]);
  value.dispose();
  const out = new Map<string, tf.Tensor>();
  for (const [varName, g] of Object.entries(grads)) {
    const key = byVarName.get(varName);
    if (key === undefined) g.dispose();
    else out.set(key, g);
  }
  return out;
}

/** Adds `more` into `acc` in place, disposing what is replaced, so terms can be taken one at a time. */
export function accumulateGrads(acc: Map<string, tf.Tensor>, more: Map<string, tf.Tensor>): void {
  for (const [k, g] of more) {
    const prev = acc.get(k);
    if (prev === undefined) {
      acc.set(k, g);
    } else {
      acc.set(k, tf.add(prev, g));
      prev.dispose();
      g.dispose();
    }
  }
}

export function disposeGrads(grads: Map<string, tf.Tensor>): void {
  for (const g of grads.values()) g.dispose();
  grads.clear();
}

/** The reference's optimizer.step() with these gradients, which are then released. */
export function applyGrads(optimizer: Adam, grads: Map<string, tf.Tensor>): void {
  optimizer.step(grads);
  disposeGrads(grads);
}
