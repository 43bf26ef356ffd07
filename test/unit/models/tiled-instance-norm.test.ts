import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../main/gan/io/onnx-export.js';
import { createOnnxTranslator, type OnnxTranslator } from '../../../main/gan/io/onnx-translator.js';
import { translateBatch } from '../../../main/gan/models/inference.js';
import {
  overviewImage,
  tfjsTileEngine,
  translateInTiles,
  type PlainImage,
  type TileOptions,
} from '../../../main/gan/models/tiled-inference.js';
import { defineG, sizeMultiple, type GeneratorArch } from '../../../main/gan/networks/define.js';
import type { Network } from '../../../main/gan/networks/network.js';
import { tf } from '../../../main/gan/tf.js';
import { Rng } from '../../../main/gan/util/rng.js';
import { useTestBackend } from '../../helpers/backend.js';

// A CycleGAN-style generator (ResNet, instance norm) on an image of 3×3 tiles: a flat sky over a
// textured ground, so tiles that see mostly sky have statistics far from the whole image's. Tiles
// are about the network's receptive field (~120 px), so their borders alone change little.
const arch: GeneratorArch = { netG: 'resnet_6blocks', inputNc: 3, outputNc: 3, ngf: 4, norm: 'instance', useDropout: false };
const W = 256;
const H = 160;
const tiles: TileOptions = { tile: 128, overlap: 64 };

let dir: string;
let net: Network;
let ort: OnnxTranslator;
let image: PlainImage;

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function meanDiff(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/**
 * Measured (tfjs and onnxruntime alike): per-tile statistics max 1.18, mean 0.092; shared max
 * 0.155, mean 0.0070 (what is left is the tiles' borders, as with batch norm).
 */
function expectCloseOnlyWhenShared(perTile: Float32Array, shared: Float32Array, whole: Float32Array, label: string): void {
  expect(maxDiff(perTile, whole), label).toBeGreaterThan(0.5);
  expect(meanDiff(perTile, whole)).toBeGreaterThan(0.05);
  expect(maxDiff(shared, whole)).toBeLessThan(0.25);
  expect(meanDiff(shared, whole)).toBeLessThan(0.015);
}

const eightBit = (d: Float32Array) => Uint8Array.from(d, (v) => Math.max(0, Math.min(255, Math.round(((v + 1) / 2) * 255))));

beforeAll(async () => {
  await useTestBackend();
  dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-tiled-in-'));
  net = defineG('G', arch, { type: 'xavier', gain: 1, rng: new Rng(5) });
  const file = path.join(dir, 'g.onnx');
  await exportOnnx(net, arch, file);
  ort = await createOnnxTranslator(file, { engine: 'onnxruntime' });
  const data = new Float32Array(W * H * 3);
  const rng = new Rng(9);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const sky = y < H / 2;
      const v = sky ? [0.5, 0.6, 0.9] : [Math.sin(x / 3) * 0.8, rng.uniform() * 2 - 1, Math.cos((x + y) / 5) * 0.7];
      data.set(v, (y * W + x) * 3);
    }
  }
  image = { data, width: W, height: H, channels: 3 };
});

afterAll(async () => {
  await ort?.dispose();
  net?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function tfjsWhole(): Float32Array {
  return tf.tidy(() => translateBatch(net, arch.netG, tf.tensor4d(image.data, [1, H, W, 3])).dataSync() as Float32Array);
}

describe("tiles share the whole image's instance-norm statistics", () => {
  it('tfjs: tiles match the untiled pass, where per-tile statistics do not', async () => {
    const whole = tfjsWhole();
    const multiple = sizeMultiple(arch.netG);
    // A bare runner is what tiling did before: each tile normalised with its own statistics.
    const perTile = await translateInTiles(image, 3, multiple, tiles, (patch) =>
      tf.tidy(() => translateBatch(net, arch.netG, tf.tensor4d(patch.data, [1, patch.height, patch.width, 3])).dataSync() as Float32Array),
    );
    const tensors = tf.memory().numTensors;
    const shared = await translateInTiles(image, 3, multiple, tiles, tfjsTileEngine(net, arch));
    expect(tf.memory().numTensors, 'recorded statistics are released').toBe(tensors);
    expectCloseOnlyWhenShared(perTile.data, shared.data, whole, 'tfjs');
  });

  it("onnxruntime: the same, and its tiles agree with tfjs's within one level", async () => {
    const [whole] = await ort.translate([image.data], W, H);
    const multiple = sizeMultiple(arch.netG);
    const perTile = await translateInTiles(
      image,
      3,
      multiple,
      tiles,
      async (patch) => (await ort.translate([patch.data], patch.width, patch.height))[0]!,
    );
    const shared = await translateInTiles(image, 3, multiple, tiles, ort.tiles);
    expectCloseOnlyWhenShared(perTile.data, shared.data, whole!, 'onnxruntime');
    const tfjsShared = await translateInTiles(image, 3, multiple, tiles, tfjsTileEngine(net, arch));
    expect(maxDiff(Float32Array.from(eightBit(shared.data)), Float32Array.from(eightBit(tfjsShared.data)))).toBeLessThanOrEqual(1);
  });

  it('takes statistics from a scaled-down overview of images above the limit', async () => {
    const o = overviewImage(image, (W * H) / 4);
    expect([o.width, o.height]).toEqual([W / 2, H / 2]);
    // Area averaging: each output pixel is the mean of the 2×2 block under it.
    const at = (im: PlainImage, x: number, y: number, c: number) => im.data[(y * im.width + x) * 3 + c]!;
    const mean = (at(image, 10, 80, 1) + at(image, 11, 80, 1) + at(image, 10, 81, 1) + at(image, 11, 81, 1)) / 4;
    expect(at(o, 5, 40, 1)).toBeCloseTo(mean, 5);
    expect(overviewImage(image, W * H)).toBe(image);
    // A limit that is not a whole factor still averages to the same overall mean.
    const odd = overviewImage(image, 5000);
    const avg = (im: PlainImage) => im.data.reduce((a, b) => a + b, 0) / im.data.length;
    expect(odd.width * odd.height).toBeLessThanOrEqual(5000);
    expect(avg(odd)).toBeCloseTo(avg(image), 1);
  });

  it('onnxruntime and tfjs agree on statistics from a scaled-down overview', async () => {
    // Statistics from an overview at half size: no longer the untiled pass exactly, but shared.
    const small = { ...tiles, statsPixels: (W * H) / 4 };
    const multiple = sizeMultiple(arch.netG);
    const a = await translateInTiles(image, 3, multiple, small, ort.tiles);
    const b = await translateInTiles(image, 3, multiple, small, tfjsTileEngine(net, arch));
    expect(maxDiff(Float32Array.from(eightBit(a.data)), Float32Array.from(eightBit(b.data)))).toBeLessThanOrEqual(1);
  });
});
