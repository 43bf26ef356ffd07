import { beforeAll, describe, expect, it } from 'vitest';
import { evalContext } from '../../../main/gan/layers/context.js';
import { gradientPenalty } from '../../../main/gan/losses/gan-loss.js';
import { defineD } from '../../../main/gan/networks/define.js';
import { tf } from '../../../main/gan/tf.js';
import { Rng } from '../../../main/gan/util/rng.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

describe('WGAN-GP gradient penalty', () => {
  it("its gradient with respect to D's weights matches finite differences", () => {
    const d = defineD(
      'D',
      { netD: 'basic', inputNc: 3, ndf: 4, nLayersD: 1, norm: 'none' },
      { type: 'normal', gain: 0.3, rng: new Rng(2) },
    );
    const real = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const fake = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
    const critic = (x: tf.Tensor4D) => d.forward(x, evalContext);
    const gp = () => gradientPenalty(critic, real, fake, 7);
    const w = d.trainable().get('model.0.weight')!;
    const analytic = tf.tidy(() => tf.variableGrads(gp, [w]).grads[w.name]!.dataSync().slice());
    const base = w.dataSync().slice();
    const eps = 1e-2;
    for (const i of [0, 5, 17]) {
      const at = (delta: number) => {
        const moved = base.slice();
        moved[i]! += delta;
        w.assign(tf.tensor(moved, w.shape));
        return tf.tidy(() => gp().dataSync()[0]!);
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      w.assign(tf.tensor(base, w.shape));
      expect(Math.abs(analytic[i]! - numeric)).toBeLessThan(0.02 * Math.max(1, Math.abs(numeric)));
    }
    tf.dispose([real, fake]);
    d.dispose();
  });
});
