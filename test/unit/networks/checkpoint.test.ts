import { beforeAll, describe, expect, it } from 'vitest';
import { trainContext, type ForwardContext } from '../../../main/gan/layers/context.js';
import { defineG, type GeneratorArch } from '../../../main/gan/networks/define.js';
import type { Network } from '../../../main/gan/networks/network.js';
import { Rng } from '../../../main/gan/util/rng.js';
import { tf } from '../../../main/gan/tf.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

/** One training-mode loss's gradients, plus every parameter and buffer afterwards. */
async function step(net: Network, x: tf.Tensor4D, target: tf.Tensor4D, checkpoint: boolean) {
  const rng = new Rng(7);
  const ctx: ForwardContext = { ...trainContext(() => rng.nextUint32()), checkpoint };
  const vars = [...net.trainable().values()];
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(net.forward(x, ctx), target))) as tf.Scalar, vars);
  const out = {
    loss: value.dataSync()[0]!,
    grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k.replace(/#\d+$/, ''), g.dataSync().slice()])),
    state: new Map([...(await net.torchStateDict())].map(([k, t]) => [k, t.data])),
  };
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < b.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('gradient checkpointing of ResNet blocks', () => {
  const cases: Array<[string, Partial<GeneratorArch>]> = [
    ['instance norm', { norm: 'instance', useDropout: false }],
    ['batch norm + dropout', { norm: 'batch', useDropout: true }],
  ];
  for (const [name, arch] of cases) {
    it(`gives the same gradients, dropout masks and running statistics: ${name}`, async () => {
      const make = () =>
        defineG(
          'G',
          { netG: 'resnet_6blocks', inputNc: 3, outputNc: 3, ngf: 4, norm: 'instance', useDropout: false, ...arch },
          {
            type: 'normal',
            gain: 0.02,
            rng: new Rng(1),
          },
        );
      const plain = make();
      const ckpt = make();
      const x = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
      const target = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      const a = await step(plain, x, target, false);
      const b = await step(ckpt, x, target, true);
      expect(tf.memory().numTensors).toBe(before);
      expect(b.loss).toBe(a.loss);
      expect(Object.keys(b.grads).sort()).toEqual(Object.keys(a.grads).sort());
      for (const k of Object.keys(a.grads)) expect(maxDiff(b.grads[k]!, a.grads[k]!), k).toBeLessThanOrEqual(1e-7);
      // Running statistics (and num_batches_tracked) moved exactly once.
      for (const [k, v] of a.state) expect(maxDiff(b.state.get(k)!, v), k).toBe(0);
      tf.dispose([x, target]);
      plain.dispose();
      ckpt.dispose();
    });
  }
});
