import { beforeAll, describe, expect, it } from 'vitest';
import { generatorGraph } from '../../../main/gan/io/generator-graph.js';
import { translateBatch } from '../../../main/gan/models/inference.js';
import { defineG, type GeneratorArch } from '../../../main/gan/networks/define.js';
import { tf } from '../../../main/gan/tf.js';
import { FeatureStore } from '../../../main/gan/translate/feature-store.js';
import { stageProgram } from '../../../main/gan/translate/stage-program.js';
import { tfjsStageRunner } from '../../../main/gan/translate/stage-runner-tfjs.js';
import { translateStaged } from '../../../main/gan/translate/staged-translate.js';
import { Rng } from '../../../main/gan/util/rng.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

function testImage(width: number, height: number): tf.Tensor4D {
  return tf.tidy(() => {
    const yy = tf.div(tf.range(0, height), height).reshape([1, height, 1, 1]);
    const xx = tf.div(tf.range(0, width), width).reshape([1, 1, width, 1]);
    const noise = tf.randomUniform([1, height, width, 1], -0.3, 0.3, 'float32', 7);
    return tf.concat(
      [tf.sin(tf.mul(tf.add(yy, xx), 9)), tf.add(tf.mul(yy, tf.ones([1, 1, width, 1])), noise), tf.mul(xx, tf.ones([1, height, 1, 1]))],
      3,
    ) as tf.Tensor4D;
  });
}

async function compare(arch: GeneratorArch, width: number, height: number, tile: number, budget = 0) {
  const net = defineG('G', arch, { type: 'xavier', gain: 1, rng: new Rng(3) });
  const image = testImage(width, height);
  const whole = tf.tidy(() => tf.transpose(translateBatch(net, arch.netG, image), [0, 3, 1, 2]).dataSync() as Float32Array);
  const planar = tf.tidy(() => tf.transpose(image, [0, 3, 1, 2]).dataSync() as Float32Array);
  const store = new FeatureStore(budget);
  const out = await translateStaged(
    { data: planar, channels: 3, height, width },
    stageProgram(generatorGraph(arch), 3),
    tfjsStageRunner(net),
    {
      tile,
      tileFloats: 1 << 20,
      store,
    },
  );
  store.dispose();
  image.dispose();
  net.dispose();
  let max = 0;
  for (let i = 0; i < whole.length; i++) max = Math.max(max, Math.abs(whole[i]! - out.data[i]!));
  return { max, out, store };
}

describe('exact tiled translation (stages)', () => {
  it('equals a whole-image pass with instance norm, tiles far smaller than the receptive field', async () => {
    const arch: GeneratorArch = { netG: 'resnet_6blocks', inputNc: 3, outputNc: 3, ngf: 4, norm: 'instance', useDropout: false };
    const { max, out } = await compare(arch, 72, 56, 16, 1 << 30);
    expect([out.width, out.height]).toEqual([72, 56]);
    expect(max).toBeLessThan(1e-4);
  });

  it('spills maps to disk when memory is short, with the same result', async () => {
    const arch: GeneratorArch = { netG: 'resnet_6blocks', inputNc: 3, outputNc: 3, ngf: 4, norm: 'instance', useDropout: false };
    const { max, store } = await compare(arch, 40, 44, 12, 0);
    expect(store.spilledBytes).toBeGreaterThan(0);
    expect(max).toBeLessThan(1e-4);
  });

  it('handles batch norm and no norm', async () => {
    for (const norm of ['batch', 'none'] as const) {
      console.log(norm);
      const arch: GeneratorArch = { netG: 'resnet_6blocks', inputNc: 3, outputNc: 3, ngf: 4, norm, useDropout: false };
      const { max } = await compare(arch, 48, 36, 16, 1 << 30);
      console.log(norm, max);
      expect(max).toBeLessThan(1e-4);
    }
  });
});
