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
import { translateImage } from '../../../main/gan/translate/translate-image.js';
import { useTestBackend } from '../../helpers/backend.js';
import { readNpy } from '../io/helpers.js';
import { CUT_DIR } from './cut-fixture.js';

const CASE = path.join(CUT_DIR, 'cut_resnet9_ngf8_antialias');
const arch: GeneratorArch = { netG: 'resnet_9blocks', inputNc: 3, outputNc: 3, ngf: 8, norm: 'instance', useDropout: false, antialias: { down: true, up: true } };
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

/** CHW float → HWC. */
function hwc(x: { shape: number[]; data: Float32Array }): Float32Array {
  const [c, h, w] = x.shape.slice(-3) as [number, number, number];
  const out = new Float32Array(c * h * w);
  for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) out[i * c + k] = x.data[k * h * w + i]!;
  return out;
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

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
    const model = await loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs: m.weightSpecs, weightData: m.weightData.slice().buffer, format: json.format }));
    const x = tf.tensor4d(hwc(readNpy(`${CASE}.in.npy`)), [1, 64, 64, 3]);
    const y = model.execute(x) as tf.Tensor;
    expect(maxDiff((await y.data()) as Float32Array, hwc(readNpy(`${CASE}.out.npy`)))).toBeLessThan(1e-4);
    tf.dispose([x, y]);
    model.dispose();
    net.dispose();
  });

  for (const engine of ['tfjs', 'onnx'] as const) {
    it(`translates it in exact tiles (4 × 4 of 16 px) to the official output on ${engine} (1e-4)`, async () => {
      const t = await openImageTranslator(file, { engine, cacheDir: dir });
      try {
        const image = { data: hwc(readNpy(`${CASE}.in.npy`)), width: 64, height: 64, channels: 3 };
        const plan = { path: 'exact-tiles', reason: 'test', wholeBytes: 0 } as const;
        const y = await translateImage(t, image, plan, { tile: 16, budgetBytes: 1 << 30 });
        expect(maxDiff(y.data, hwc(readNpy(`${CASE}.out.npy`)))).toBeLessThan(1e-4);
      } finally {
        await t.dispose();
      }
    });
  }
});
