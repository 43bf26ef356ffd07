// Batch translation gives the model's own pixels at any size: whole images when they fit, exact
// tiles (whole-image instance-norm statistics, stage by stage) when they do not or when asked.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPthModel } from '../../main/gan/io/import-pth.js';
import { openImageTranslator, type EngineChoice, type ImageTranslator } from '../../main/gan/translate/image-translator.js';
import { translateFolder, type TranslateFolderOptions } from '../../main/gan/translate/translate-folder.js';
import { useTestBackend } from '../helpers/backend.js';
import { REFERENCE_DIR } from '../helpers/reference-fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tandem-exact-'));
const model = path.join(dir, 'resnet6.tandem');
const PHOTO = path.join(REFERENCE_DIR, 'photo', 'resnet6_ngf8_instance_photo');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await useTestBackend();
  await importPthModel(path.join(REFERENCE_DIR, 'pth', 'resnet6_ngf8_instance.pth'), model);
  // A photo-sized input (1.3 MP): the fixture photo scaled up 3×, then cropped to a size that is
  // not a multiple of 4 (padded for the network, cropped back).
  mkdirSync(path.join(dir, 'big'));
  await sharp(`${PHOTO}.in.png`)
    .resize(1344, 1056, { kernel: 'lanczos3' })
    .extract({ left: 0, top: 0, width: 1342, height: 1053 })
    .png()
    .toFile(path.join(dir, 'big', 'photo.png'));
  mkdirSync(path.join(dir, 'fixture'));
  await sharp(`${PHOTO}.in.png`).toFile(path.join(dir, 'fixture', 'photo.png'));
});

async function pixels(file: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function levels(a: Buffer, b: Buffer): { max: number; mean: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}

async function translate(engine: EngineChoice, input: string, output: string, opts: Partial<TranslateFolderOptions> = {}) {
  const t: ImageTranslator = await openImageTranslator(model, { engine, cacheDir: path.join(dir, 'onnx-cache') });
  try {
    const summary = await translateFolder(t, { input: path.join(dir, input), output: path.join(dir, output), ...opts });
    expect(summary.failed).toEqual([]);
    return { summary, engine: t.engine };
  } finally {
    await t.dispose();
  }
}

describe('exact translation at any size', () => {
  for (const engine of ['onnx', 'tfjs'] as const) {
    it(`${engine}: tiles far smaller than the network's reach give the reference's whole-image pixels (1 level)`, async () => {
      // 448×352 in 128 px tiles: 4×3 tiles at full size, and the ResNet's blocks see ~100 px.
      const { summary, engine: used } = await translate(engine, 'fixture', `fixture-${engine}`, { tile: 128 });
      expect(used).toMatch(engine === 'onnx' ? /^onnxruntime/ : /^tfjs/);
      expect(summary.paths['exact-tiles']).toBe(1);
      const ours = await pixels(path.join(dir, `fixture-${engine}`, 'photo.png'));
      const reference = await pixels(`${PHOTO}.out.png`);
      const d = levels(ours.data, reference.data);
      expect(d.max).toBeLessThanOrEqual(1);
      expect(d.mean).toBeLessThan(0.05);
    });

    it(`${engine}: a photo-sized image gives the same pixels whole and in small exact tiles (1 level)`, async () => {
      const whole = await translate(engine, 'big', `big-whole-${engine}`);
      expect(whole.summary.paths.whole).toBe(1);
      const tiled = await translate(engine, 'big', `big-tiled-${engine}`, { tile: 256 });
      expect(tiled.summary.paths['exact-tiles']).toBe(1);
      const a = await pixels(path.join(dir, `big-whole-${engine}`, 'photo.png'));
      const b = await pixels(path.join(dir, `big-tiled-${engine}`, 'photo.png'));
      expect([a.width, a.height]).toEqual([1342, 1053]);
      const d = levels(a.data, b.data);
      expect(d.max).toBeLessThanOrEqual(1);
      expect(d.mean).toBeLessThan(0.01);
    });
  }

  it('takes the exact-tile path on its own when a whole pass does not fit the memory budget', async () => {
    const { summary } = await translate('onnx', 'fixture', 'fixture-budget', { budgetBytes: 64 * 2 ** 20 });
    expect(summary.paths['exact-tiles']).toBe(1);
    const d = levels((await pixels(path.join(dir, 'fixture-budget', 'photo.png'))).data, (await pixels(`${PHOTO}.out.png`)).data);
    expect(d.max).toBeLessThanOrEqual(1);
  });
});
