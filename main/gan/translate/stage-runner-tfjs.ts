import { blurDownsample, blurUpsample } from '../layers/blur-pool.js';
import { NORM_EPS } from '../layers/norm.js';
import { reflectPad2d } from '../layers/reflect-pad.js';
import type { Network } from '../networks/network.js';
import { tf } from '../tf.js';
import type { StageResult, StageRunner, StageTile } from './staged-translate.js';
import type { Stage } from './stage-program.js';

const toNhwc = (x: tf.Tensor4D): tf.Tensor4D => tf.transpose(x, [0, 2, 3, 1]);
const toNchw = (x: tf.Tensor4D): tf.Tensor4D => tf.transpose(x, [0, 3, 1, 2]);

/**
 * Runs stages on tfjs with a network's own weights (looked up by state_dict key), through the
 * same tfjs ops its layers use, so a tile computes what the whole network computes.
 */
export function tfjsStageRunner(net: Network): StageRunner {
  const param = (key: string): tf.Tensor => {
    const e = net.params.get(key);
    if (!e) throw new Error(`the network has no parameter ${key}`);
    return e.variable;
  };
  const bias = (y: tf.Tensor4D, key: string, has: boolean): tf.Tensor4D => (has ? tf.add(y, param(`${key}.bias`)) : y);

  const forward = (stage: Stage, tile: StageTile): tf.Tensor4D[] =>
    tf.tidy(() => {
      let x = toNhwc(tf.tensor4d(tile.input, [1, stage.inChannels, tile.height, tile.width]));
      const saves: tf.Tensor4D[] = [];
      for (const o of stage.ops) {
        switch (o.op) {
          case 'instanceNormWith': {
            if (!tile.stats) throw new Error(`stage ${stage.index} needs whole-image statistics for ${o.key}`);
            // As InstanceNorm2d normalises with shared statistics (layers/norm.ts).
            x = tf.mul(tf.sub(x, tf.tensor1d(tile.stats.mean)), tf.rsqrt(tf.add(tf.tensor1d(tile.stats.variance), NORM_EPS)));
            break;
          }
          case 'batchNorm': {
            const p = (s: string) => param(`${o.key}.${s}`) as tf.Tensor1D;
            x = tf.batchNorm4d(x, p('running_mean'), p('running_var'), p('bias'), p('weight'), NORM_EPS);
            break;
          }
          case 'reflectPad':
            x = reflectPad2d(x, o.pad);
            break;
          case 'conv':
            x = bias(tf.conv2d(x, param(`${o.key}.weight`) as tf.Tensor4D, o.stride, o.padding), o.key, o.bias);
            break;
          case 'convTranspose': {
            const size = (n: number) => (n - 1) * o.stride - 2 * o.padding + o.kernel + o.outputPadding;
            const shape: [number, number, number, number] = [1, size(x.shape[1]), size(x.shape[2]), o.outC];
            x = bias(tf.conv2dTranspose(x, param(`${o.key}.weight`) as tf.Tensor4D, shape, o.stride, o.padding), o.key, o.bias);
            break;
          }
          case 'blurPool':
            x = blurDownsample(x, param(`${o.key}.filt`) as tf.Tensor4D);
            break;
          case 'upsample':
            x = blurUpsample(x, param(`${o.key}.filt`) as tf.Tensor4D);
            break;
          case 'relu':
            x = tf.relu(x);
            break;
          case 'leakyRelu':
            x = tf.leakyRelu(x, o.alpha);
            break;
          case 'tanh':
            x = tf.tanh(x);
            break;
          case 'save':
            saves[o.slot] = toNchw(x);
            break;
          case 'addSaved': {
            const local = saves[o.slot];
            const s = tile.saved.get(o.slot);
            if (local) x = tf.add(x, toNhwc(local));
            else if (s) x = tf.add(x, toNhwc(tf.tensor4d(s.data, [1, x.shape[3], s.height, s.width])));
            else throw new Error(`stage ${stage.index} has no saved map ${o.slot}`);
            break;
          }
        }
      }
      return [toNchw(x), ...stage.saves.map((slot) => saves[slot]!)];
    });

  return {
    concurrency: 1,
    async run(stage, tile): Promise<StageResult> {
      const tensors = forward(stage, tile);
      try {
        const values = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
        return { output: values[0]!, saves: new Map(stage.saves.map((slot, i) => [slot, values[i + 1]!])) };
      } finally {
        tf.dispose(tensors);
      }
    },
  };
}
