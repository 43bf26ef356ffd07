import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadGraphModel } from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTfjsGraphModel } from '../../../main/gan/io/tfjs-export.js';
import { readTorchCheckpointFile } from '../../../main/gan/io/torch-checkpoint.js';
import { extractStateDict } from '../../../main/gan/io/torch-state-dict.js';
import { importPthModel } from '../../../main/gan/io/import-pth.js';
import { defineG, type GeneratorArch } from '../../../main/gan/networks/define.js';
import { tf } from '../../../main/gan/tf.js';
import { openImageTranslator } from '../../../main/gan/translate/image-translator.js';
import { useTestBackend } from '../../helpers/backend.js';
import { CUT_G_CASE as CASE, hwc, maxDiff, officialTiledTranslationDiff } from '../../helpers/parity/cut-generator-parity.js';
import { readNpy } from '../io/helpers.js';

const arch: GeneratorArch = {
  netG: 'resnet_9blocks',
  inputNc: 3,
  outputNc: 3,
  ngf: 8,
  norm: 'instance',
  useDropout: false,
  antialias: { down: true, up: true },
};
let dir = '';
let file = '';

beforeAll(async () => {
  await useTestBackend();
  dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-cut-translate-'));
  file = path.join(dir, 'g.tandem');
  // import-model: the architecture (anti-aliasing included) is read from the official keys.
  const imported = await importPthModel(`${CASE}.pth`, file);
  expect(imported.arch).toEqual(arch);
  expect(imported.params).toBe(180419);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('importing, translating and exporting the official CUT generator', () => {
  for (const engine of ['tfjs', 'onnx'] as const) {
    it(`translates the official checkpoint's input to its output on ${engine} (1e-4)`, async () => {
      const t = await openImageTranslator(file, { engine });
      try {
        expect(t.engine).toMatch(engine === 'onnx' ? /onnxruntime/ : /tfjs/);
        const y = await t.run({ data: hwc(readNpy(`${CASE}.in.npy`)), width: 64, height: 64, channels: 3 });
        expect(maxDiff(y, hwc(readNpy(`${CASE}.out.npy`)))).toBeLessThan(1e-4);
      } finally {
        await t.dispose();
      }
    });
  }

  it('exports a TF.js graph model (depthwise blur, bilinear ×2) with the official output (1e-4)', async () => {
    const net = defineG('G', arch, null);
    net.loadTorchStateDict(extractStateDict((await readTorchCheckpointFile(`${CASE}.pth`)).object).stateDict);
    const m = await buildTfjsGraphModel(net, arch);
    const json = m.modelJson as { modelTopology: unknown; format: string };
    const model = await loadGraphModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology as object,
        weightSpecs: m.weightSpecs,
        weightData: m.weightData.slice().buffer,
        format: json.format,
      }),
    );
    const x = tf.tensor4d(hwc(readNpy(`${CASE}.in.npy`)), [1, 64, 64, 3]);
    const y = model.execute(x) as tf.Tensor;
    expect(maxDiff((await y.data()) as Float32Array, hwc(readNpy(`${CASE}.out.npy`)))).toBeLessThan(1e-4);
    tf.dispose([x, y]);
    model.dispose();
    net.dispose();
  });

  for (const engine of ['tfjs', 'onnx'] as const) {
    it(`translates it in exact tiles (4 × 4 of 16 px) to the official output on ${engine} (1e-4)`, async () => {
      expect(await officialTiledTranslationDiff(file, engine, 16, dir)).toBeLessThan(1e-4);
    });
  }
});
