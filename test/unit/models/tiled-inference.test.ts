import { beforeAll, describe, expect, it } from 'vitest';
import { defineG } from '../../../main/gan/networks/define.js';
import { translateBatch } from '../../../main/gan/models/inference.js';
import { tileStarts, translateTiled } from '../../../main/gan/models/tiled-inference.js';
import { tf } from '../../../main/gan/tf.js';
import { Rng } from '../../../main/gan/util/rng.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

describe('tiled translation', () => {
  it('spreads full-size tiles over the image with at least the requested overlap', () => {
    expect(tileStarts(100, 128, 16)).toEqual([0]);
    const starts = tileStarts(1000, 256, 32);
    expect(starts[0]).toBe(0);
    expect(starts.at(-1)).toBe(1000 - 256);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeLessThanOrEqual(256 - 32);
  });

  it('matches a whole-image pass, without seams, and keeps the size', async () => {
    const net = defineG(
      'G',
      { netG: 'resnet_6blocks', inputNc: 3, outputNc: 3, ngf: 8, norm: 'batch', useDropout: false },
      {
        // Variance-preserving weights, so the output has structure to compare (0.02 gives a flat image).
        type: 'xavier',
        gain: 1,
        rng: new Rng(3),
      },
    );
    const width = 400;
    const height = 300;
    const image = tf.tidy(() => {
      const yy = tf.div(tf.range(0, height), height).reshape([1, height, 1, 1]);
      const xx = tf.div(tf.range(0, width), width).reshape([1, 1, width, 1]);
      return tf.concat(
        [tf.sin(tf.mul(tf.add(yy, xx), 9)), tf.mul(yy, tf.ones([1, 1, width, 1])), tf.mul(xx, tf.ones([1, height, 1, 1]))],
        3,
      ) as tf.Tensor4D;
    });
    const whole = tf.tidy(() => translateBatch(net, 'resnet_6blocks', image).dataSync() as Float32Array);
    const tiled = await translateTiled(
      net,
      { netG: 'resnet_6blocks', norm: 'batch' },
      { data: image.dataSync() as Float32Array, width, height, channels: 3 },
      3,
      {
        // Tiles must be well beyond the network's receptive field (~120 px for resnet_6blocks).
        tile: 256,
        overlap: 128,
      },
    );
    expect([tiled.width, tiled.height, tiled.data.length]).toEqual([width, height, whole.length]);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < whole.length; i++) {
      const d = Math.abs(whole[i]! - tiled.data[i]!);
      sum += d;
      max = Math.max(max, d);
    }
    const range = whole.reduce((a, b) => Math.max(a, b), -Infinity) - whole.reduce((a, b) => Math.min(a, b), Infinity);
    // Fully convolutional in eval mode: tiles differ from the whole pass only where their border
    // padding reaches, and the cross-fade spreads that: on average far below one 8-bit level (0.008).
    expect(range).toBeGreaterThan(1);
    expect(sum / whole.length).toBeLessThan(0.004);
    expect(max).toBeLessThan(0.15);
    image.dispose();
    net.dispose();
  });
});
