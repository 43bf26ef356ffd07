import { beforeAll, describe, expect, it } from 'vitest';
import { trainContext } from '../../../main/gan/layers/context.js';
import { BatchNorm2d, InstanceNorm2d } from '../../../main/gan/layers/norm.js';
import { ParamRegistry } from '../../../main/gan/layers/params.js';
import { tf } from '../../../main/gan/tf.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

const EPS = 1e-5;
const ctx = { ...trainContext(() => 0), updateStats: false };

/** What the layers computed before they had custom gradients: plain ops, differentiated by tfjs. */
function composed(x: tf.Tensor4D, axes: number[], gamma?: tf.Tensor, beta?: tf.Tensor): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, axes, true);
  const y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPS)));
  return (gamma && beta ? tf.add(tf.mul(y, gamma), beta) : y) as tf.Tensor4D;
}

function maxRel(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(tf.max(tf.abs(b)).dataSync()[0]!, 1e-12));
}

describe('normalisation layers with closed-form gradients', () => {
  const x = () => tf.randomNormal([2, 5, 6, 4], 0.3, 2, 'float32', 11) as tf.Tensor4D;
  const w = () => tf.randomNormal([2, 5, 6, 4], 0, 1, 'float32', 12) as tf.Tensor4D;

  it('instance norm: first- and second-order gradients equal the composed ops', () => {
    tf.tidy(() => {
      const norm = new InstanceNorm2d();
      const [xs, ws] = [x(), w()];
      const first = (f: (v: tf.Tensor4D) => tf.Tensor) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v as tf.Tensor4D), ws)))(xs);
      expect(
        maxRel(
          first((v) => norm.forward(v, ctx)),
          first((v) => composed(v, [1, 2])),
        ),
      ).toBeLessThan(1e-5);
      // WGAN-GP differentiates an input gradient again: that must see through the normalisation too.
      const second = (f: (v: tf.Tensor4D) => tf.Tensor) =>
        tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v as tf.Tensor4D), ws)))(u))))(xs);
      expect(
        maxRel(
          second((v) => norm.forward(v, ctx)),
          second((v) => composed(v, [1, 2])),
        ),
      ).toBeLessThan(1e-4);
    });
  });

  it('batch norm (train mode): x, γ and β gradients equal the composed ops', () => {
    const params = new ParamRegistry('t');
    const norm = new BatchNorm2d(params, 'bn', 4);
    const gamma = params.get('bn.weight')!.variable;
    const beta = params.get('bn.bias')!.variable;
    tf.tidy(() => {
      gamma.assign(tf.tensor1d([0.5, 1.5, -1, 2]));
      beta.assign(tf.tensor1d([0.1, -0.2, 0.3, 0]));
      const [xs, ws] = [x(), w()];
      const grads = (f: (v: tf.Tensor4D) => tf.Tensor) => {
        const g = tf.grads((v: tf.Tensor, gm: tf.Tensor, bt: tf.Tensor) => {
          void gm;
          void bt;
          return tf.sum(tf.mul(f(v as tf.Tensor4D), ws));
        });
        const dx = g([xs, gamma, beta])[0]!;
        const { grads: vg } = tf.variableGrads(() => tf.sum(tf.mul(f(xs), ws)) as tf.Scalar, [gamma, beta]);
        return [dx, vg[gamma.name]!, vg[beta.name]!];
      };
      const ours = grads((v) => norm.forward(v, ctx));
      const ref = grads((v) => composed(v, [0, 1, 2], gamma, beta));
      for (let i = 0; i < 3; i++) expect(maxRel(ours[i]!, ref[i]!), ['dx', 'dγ', 'dβ'][i]).toBeLessThan(1e-5);
    });
    params.dispose();
  });
});
