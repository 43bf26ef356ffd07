// Exact tiles for CUT's anti-aliased generator: blur pools (reflection pad, stride 2) and blurred ×2
// upsamplings (edge pixels repeated) run inside stages, tiles reading real neighbours from their
// halo, so tiles far smaller than the network's reach give its whole-image output on both engines.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatorGraph } from '../../../main/gan/io/generator-graph.js';
import { saveGeneratorFile } from '../../../main/gan/models/generator-file.js';
import { translateBatch } from '../../../main/gan/models/inference.js';
import { defineG, type GeneratorArch } from '../../../main/gan/networks/define.js';
import { tf } from '../../../main/gan/tf.js';
import { FeatureStore } from '../../../main/gan/translate/feature-store.js';
import { openImageTranslator } from '../../../main/gan/translate/image-translator.js';
import { stageProgram } from '../../../main/gan/translate/stage-program.js';
import { tfjsStageRunner } from '../../../main/gan/translate/stage-runner-tfjs.js';
import { translateStaged } from '../../../main/gan/translate/staged-translate.js';
import { axisOps, inputFor, through } from '../../../main/gan/translate/tile-geometry.js';
import { translateImage } from '../../../main/gan/translate/translate-image.js';
import { Rng } from '../../../main/gan/util/rng.js';
import { useTestBackend } from '../../helpers/backend.js';

const arch: GeneratorArch = {
  netG: 'resnet_6blocks',
  inputNc: 3,
  outputNc: 3,
  ngf: 4,
  norm: 'instance',
  useDropout: false,
  antialias: { down: true, up: true },
};
let dir = '';
let model = '';

beforeAll(async () => {
  await useTestBackend();
  dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-cut-tiles-'));
  model = path.join(dir, 'cut.tandem');
  const g = defineG('G', arch, { type: 'xavier', gain: 1, rng: new Rng(5) });
  await saveGeneratorFile(model, g, arch, { from: 'test' });
  g.dispose();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A smooth image with noise (HWC in [-1, 1]): structure at every scale the network sees. */
function testImage(width: number, height: number): Float32Array {
  const rng = new Rng(11);
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      out[i] = Math.sin(9 * (x / width + y / height));
      out[i + 1] = (2 * y) / height - 1 + 0.3 * (2 * rng.uniform() - 1);
      out[i + 2] = (2 * x) / width - 1;
    }
  }
  return out;
}

/** 8-bit levels as images are written. */
const level = (v: number) => Math.min(255, Math.max(0, Math.round((v + 1) * 127.5)));

function differences(a: Float32Array, b: Float32Array): { float: number; levels: number } {
  expect(a.length).toBe(b.length);
  let float = 0;
  let levels = 0;
  for (let i = 0; i < a.length; i++) {
    float = Math.max(float, Math.abs(a[i]! - b[i]!));
    levels = Math.max(levels, Math.abs(level(a[i]!) - level(b[i]!)));
  }
  return { float, levels };
}

function spread(x: Float32Array): number {
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  return Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
}

describe("exact tiles for CUT's anti-aliased generator", () => {
  it('follows blur pools and blurred upsamplings in the tile geometry: halos reach real neighbours', () => {
    const stages = stageProgram(generatorGraph(arch), 3);
    const ops = stages.flatMap((s) => s.ops.map((o) => o.op));
    expect(ops.filter((o) => o === 'blurPool')).toHaveLength(2);
    expect(ops.filter((o) => o === 'upsample')).toHaveLength(2);
    // The stage with an upsampling: a core in the middle of its output reads one pixel of halo each side.
    const up = stages.find((s) => s.ops.some((o) => o.op === 'upsample'))!;
    const geometry = axisOps(up.ops.slice(up.ops.findIndex((o) => o.op === 'upsample')));
    expect(geometry[0]).toEqual({ kind: 'upsample' });
    const input = inputFor(geometry.slice(0, 1), { start: 10, end: 20 }, 16);
    expect(input).toEqual({ start: 4, end: 11 });
    const after = through(geometry.slice(0, 1), input, 16).at(-1)!;
    expect(after.extent).toEqual({ start: 8, end: 22 });
    expect(after.valid).toEqual({ start: 9, end: 21 });
  });

  const variants: Array<[string, GeneratorArch['antialias'], number]> = [
    ['anti-aliased both ways', { down: true, up: true }, 1 << 30],
    ['--no_antialias_up, maps spilled to disk', { down: true, up: false }, 0],
    ['--no_antialias', { down: false, up: true }, 1 << 30],
  ];
  for (const [name, antialias, budget] of variants) {
    it(`tfjs (${name}): tiles a quarter of the image per side equal a whole-image pass`, async () => {
      const a = { ...arch, antialias };
      const net = defineG('G', a, { type: 'xavier', gain: 1, rng: new Rng(3) });
      const [width, height] = [72, 56];
      const hwc = testImage(width, height);
      const whole = tf.tidy(() => {
        const x = tf.tensor4d(hwc, [1, height, width, 3]);
        return tf.transpose(translateBatch(net, a.netG, x), [0, 3, 1, 2]).dataSync() as Float32Array;
      });
      const planar = tf.tidy(() => tf.transpose(tf.tensor4d(hwc, [1, height, width, 3]), [0, 3, 1, 2]).dataSync() as Float32Array);
      const store = new FeatureStore(budget);
      let tiles = 0;
      const runner = tfjsStageRunner(net);
      const counting = { concurrency: 1, run: (...args: Parameters<typeof runner.run>) => (tiles++, runner.run(...args)) };
      const stages = stageProgram(generatorGraph(a), 3);
      const out = await translateStaged({ data: planar, channels: 3, height, width }, stages, counting, {
        tile: 16,
        tileFloats: 1 << 20,
        store,
      });
      store.dispose();
      net.dispose();
      expect([out.width, out.height]).toEqual([width, height]);
      // 5 × 4 tiles in every stage, at full, half and quarter resolution.
      expect(tiles).toBe(stages.length * 20);
      if (budget === 0) expect(store.spilledBytes).toBeGreaterThan(0);
      expect(spread(out.data)).toBeGreaterThan(0.1);
      expect(differences(out.data, whole).float).toBeLessThan(1e-4);
    });
  }

  for (const engine of ['tfjs', 'onnx'] as const) {
    it(`${engine}: a size that is not a multiple of 4, in exact tiles, gives the whole image's pixels`, async () => {
      const t = await openImageTranslator(model, { engine, cacheDir: path.join(dir, 'onnx-cache') });
      try {
        expect(t.engine).toMatch(engine === 'onnx' ? /^onnxruntime/ : /^tfjs/);
        const [width, height] = [70, 53];
        const image = { data: testImage(width, height), width, height, channels: 3 };
        const whole = await t.run(image);
        const plan = { path: 'exact-tiles', reason: 'test', wholeBytes: 0 } as const;
        const tiled = await translateImage(t, image, plan, { tile: 16, budgetBytes: 1 << 30 });
        expect(tiled.data.length).toBe(width * height * 3);
        expect(spread(whole)).toBeGreaterThan(0.1);
        const d = differences(tiled.data, whole);
        expect(d.float).toBeLessThan(1e-4);
        expect(d.levels).toBeLessThanOrEqual(1);
      } finally {
        await t.dispose();
      }
    });
  }
});
