import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadGraphModel } from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatorGraph, graphKeys } from '../../../main/gan/io/generator-graph.js';
import { loadPthGenerator } from '../../../main/gan/io/import-pth.js';
import { exportOnnx, ONNX_OPSET } from '../../../main/gan/io/onnx-export.js';
import { createOnnxTranslator } from '../../../main/gan/io/onnx-translator.js';
import { exportTfjs } from '../../../main/gan/io/tfjs-export.js';
import { evalContext } from '../../../main/gan/layers/context.js';
import { translateBatch } from '../../../main/gan/models/inference.js';
import { defineG, GENERATORS, type GeneratorArch } from '../../../main/gan/networks/define.js';
import type { Network } from '../../../main/gan/networks/network.js';
import { tf } from '../../../main/gan/tf.js';
import { Rng } from '../../../main/gan/util/rng.js';
import { useTestBackend } from '../../helpers/backend.js';
import { PTH_DIR } from './helpers.js';

let dir: string;
const nets: Array<{ label: string; net: Network; arch: GeneratorArch; sizes: Array<[number, number]> }> = [];

beforeAll(async () => {
  await useTestBackend();
  dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-export-'));
  const r = await loadPthGenerator(path.join(PTH_DIR, 'resnet6_ngf8_instance.pth'));
  nets.push({
    label: 'reference resnet_6blocks, instance',
    net: r.net,
    arch: r.arch,
    sizes: [
      [64, 64],
      [36, 52],
    ],
  });
  const u = await loadPthGenerator(path.join(PTH_DIR, 'unet256_ngf8_batch_legacy.pth'));
  nets.push({
    label: 'reference unet_256, batch',
    net: u.net,
    arch: u.arch,
    sizes: [
      [256, 256],
      [256, 512],
    ],
  });
  // Random weights for the other layer combinations: no norm with dropout (index shift), instance U-Net, 1→2 channels.
  const rng = new Rng(7);
  const init = { type: 'normal' as const, gain: 0.2, rng };
  const a9: GeneratorArch = { netG: 'resnet_9blocks', inputNc: 1, outputNc: 2, ngf: 4, norm: 'none', useDropout: true };
  nets.push({ label: 'random resnet_9blocks, none, dropout', net: defineG('G9', a9, init), arch: a9, sizes: [[32, 40]] });
  const u128: GeneratorArch = { netG: 'unet_128', inputNc: 3, outputNc: 3, ngf: 2, norm: 'instance', useDropout: true };
  nets.push({ label: 'random unet_128, instance', net: defineG('U', u128, init), arch: u128, sizes: [[128, 256]] });
});

afterAll(() => {
  for (const n of nets) n.net.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function input(n: number, h: number, w: number, c: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, h, w, c], -1, 1, 'float32', seed) as tf.Tensor4D;
}

describe("the export graph mirrors the engine's generators", () => {
  it('reads exactly the state_dict keys of every generator, norm and dropout setting', async () => {
    for (const netG of GENERATORS) {
      for (const norm of ['batch', 'instance', 'none'] as const) {
        for (const useDropout of [false, true]) {
          const arch: GeneratorArch = { netG, inputNc: 3, outputNc: 3, ngf: 2, norm, useDropout };
          const g = defineG('G', arch, null);
          const expected = [...(await g.torchStateDict()).keys()].filter((k) => !k.endsWith('num_batches_tracked'));
          expect(graphKeys(generatorGraph(arch))).toEqual(expected);
          g.dispose();
        }
      }
    }
  });
});

describe('ONNX export', () => {
  it("runs in onnxruntime with the engine's outputs (1e-4) at several sizes and batches", async () => {
    for (const { label, net, arch, sizes } of nets) {
      const file = path.join(dir, `${net.name}-${arch.netG}.onnx`);
      const r = await exportOnnx(net, arch, file);
      expect(r.opset).toBeGreaterThanOrEqual(13);
      const graph = onnxProto.onnx.ModelProto.decode(readFileSync(file)).graph as onnxProto.onnx.GraphProto;
      expect(graph.input.map((i) => i.name)).toEqual(['input']);
      expect(graph.output.map((o) => o.name)).toEqual(['output']);
      const dims = (graph.input[0]!.type!.tensorType!.shape!.dim ?? []).map((d) => d.dimParam || Number(d.dimValue));
      expect(dims).toEqual(['batch', arch.inputNc, 'height', 'width']);
      expect(new Set(graph.node.map((n) => n.opType)).has('Dropout')).toBe(false);
      const session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'] });
      for (const [h, w] of sizes) {
        const x = input(2, h, w, arch.inputNc, h + w);
        const nchw = tf.transpose(x, [0, 3, 1, 2]);
        const out = await session.run({ input: new ort.Tensor('float32', nchw.dataSync() as Float32Array, nchw.shape) });
        const y = out.output!;
        expect(y.dims, label).toEqual([2, arch.outputNc, h, w]);
        const diff = tf.tidy(() => {
          const ours = net.forward(x, evalContext);
          const theirs = tf.transpose(tf.tensor4d(y.data as Float32Array, [2, arch.outputNc, h, w]), [0, 2, 3, 1]);
          return tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]!;
        });
        expect(diff, `${label} at ${h}×${w}`).toBeLessThan(1e-4);
        tf.dispose([x, nchw]);
      }
      await session.release();
    }
  });
});

describe('TF.js graph-model export', () => {
  it("loads with tf.loadGraphModel from its files and gives the engine's outputs (1e-4)", async () => {
    for (const { label, net, arch, sizes } of nets) {
      const outDir = path.join(dir, `tfjs-${net.name}-${arch.netG}`);
      const r = await exportTfjs(net, arch, outDir);
      expect(readFileSync(r.examplePage, 'utf8')).toContain("tf.loadGraphModel('model.json')");
      const json = JSON.parse(readFileSync(r.modelJson, 'utf8')) as {
        format: string;
        modelTopology: { node: Array<{ op: string }> };
        weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
      };
      expect(json.format).toBe('graph-model');
      // Only ops a plain browser tfjs knows.
      const known = new Set([
        'Placeholder',
        'Const',
        'Identity',
        'MirrorPad',
        'Conv2D',
        'BiasAdd',
        'Conv2DBackpropInput',
        'Shape',
        'Mul',
        'AddV2',
        'FusedBatchNormV3',
        'Mean',
        'SquaredDifference',
        'Rsqrt',
        'Sub',
        'Relu',
        'LeakyRelu',
        'Tanh',
        'ConcatV2',
      ]);
      expect(json.modelTopology.node.map((n) => n.op).filter((op) => !known.has(op))).toEqual([]);
      // An IOHandler reading the written files, as tf.io.browserFiles / http would.
      const handler: tf.io.IOHandler = {
        load: async () => {
          const group = json.weightsManifest[0]!;
          const data = Buffer.concat(group.paths.map((p) => readFileSync(path.join(outDir, p))));
          return {
            modelTopology: json.modelTopology,
            weightSpecs: group.weights,
            weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.length),
            format: json.format,
          };
        },
      };
      const model = await loadGraphModel(handler);
      for (const [h, w] of sizes) {
        const x = input(2, h, w, arch.inputNc, h * w);
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(net.forward(x, evalContext), model.execute(x) as tf.Tensor))).dataSync()[0]!);
        expect(diff, `${label} at ${h}×${w}`).toBeLessThan(1e-4);
        x.dispose();
      }
      model.dispose();
    }
  });
});

describe('ONNX translator', () => {
  const eightBit = (t: Float32Array | tf.Tensor) => {
    const d = t instanceof Float32Array ? t : (t.dataSync() as Float32Array);
    return Uint8Array.from(d, (v) => Math.floor(((v + 1) / 2) * 255));
  };
  const maxLevel = (a: Uint8Array, b: Uint8Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

  it.each(['onnxruntime', 'tfjs'] as const)('%s: the same pixels as the tfjs path at any size (padding included)', async (engine) => {
    for (const { net, arch } of [nets[0]!, nets[1]!]) {
      const file = path.join(dir, `translator-${arch.netG}.onnx`);
      await exportOnnx(net, arch, file);
      const t = await createOnnxTranslator(file, { engine });
      expect(t.engine).toBe(engine);
      if (engine === 'onnxruntime') expect(['cpu', 'cuda', 'coreml', 'dml']).toContain(t.provider);
      const [h, w] = arch.netG === 'unet_256' ? [200, 300] : [50, 70];
      const x = input(2, h, w, 3, 11);
      const ref = tf.tidy(() => tf.transpose(translateBatch(net, arch.netG, x, { mode: 'eval' }), [0, 3, 1, 2]));
      const nchw = tf.transpose(x, [0, 3, 1, 2]);
      const y = await t.translate(nchw.dataSync() as Float32Array, w, h);
      expect(maxLevel(eightBit(y), eightBit(ref))).toBeLessThanOrEqual(1);
      // Per-image HWC arrays give the same.
      const hwc = [0, 1].map((b) => tf.tidy(() => tf.slice(x, [b, 0, 0, 0], [1, h, w, 3]).dataSync() as Float32Array));
      const ys = await t.translate(hwc, w, h);
      expect(ys).toHaveLength(2);
      const refHwc = tf.tidy(() => tf.transpose(ref, [0, 2, 3, 1]).dataSync() as Float32Array);
      const joined = new Float32Array(refHwc.length);
      joined.set(ys[0]!, 0);
      joined.set(ys[1]!, ys[0]!.length);
      expect(maxLevel(eightBit(joined), eightBit(refHwc))).toBeLessThanOrEqual(1);
      tf.dispose([x, ref, nchw]);
      await t.dispose();
    }
  });

  it('refuses an .onnx that Tandem did not export, and wrong input sizes', async () => {
    const file = path.join(dir, 'foreign.onnx');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      file,
      onnxProto.onnx.ModelProto.encode({ irVersion: 7, opsetImport: [{ version: ONNX_OPSET }], graph: { name: 'g' } }).finish(),
    );
    await expect(createOnnxTranslator(file)).rejects.toThrow(/was not exported by Tandem/);
    const good = path.join(dir, 'translator-resnet_6blocks.onnx');
    const t = await createOnnxTranslator(good);
    await expect(t.translate(new Float32Array(10), 4, 4)).rejects.toThrow(/not a whole number of 3×4×4 images/);
    await t.dispose();
  });
});
