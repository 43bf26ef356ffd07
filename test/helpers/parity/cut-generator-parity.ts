// The official anti-aliased CUT generator (latest_net_G.pth, ngf 8) on the current backend, against
// the official float output (test/fixtures/cut): as a network, and imported and translated in exact
// tiles. Each backend's test file states its own bound.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importPthModel } from '../../../main/gan/io/import-pth.js';
import { readTorchCheckpointFile } from '../../../main/gan/io/torch-checkpoint.js';
import { extractStateDict } from '../../../main/gan/io/torch-state-dict.js';
import { evalContext } from '../../../main/gan/layers/context.js';
import { defineCutG } from '../../../main/gan/networks/define-cut.js';
import { tf } from '../../../main/gan/tf.js';
import { type EngineChoice, openImageTranslator } from '../../../main/gan/translate/image-translator.js';
import { translateImage } from '../../../main/gan/translate/translate-image.js';
import { CUT_DIR } from '../../unit/cut/cut-fixture.js';
import { readNpy } from '../../unit/io/helpers.js';
import { maxAbsDiff } from '../reference-fixtures.js';
import type { NetworkTolerance } from './tolerance.js';

export const CUT_G_CASE = path.join(CUT_DIR, 'cut_resnet9_ngf8_antialias');

/** The generator's architecture in the official fixture (resnet_9blocks, anti-aliased down and up). */
export const CUT_G_ARCH = {
  netG: 'resnet_9blocks',
  inputNc: 3,
  outputNc: 3,
  norm: 'instance',
  useDropout: false,
  noAntialias: false,
  noAntialiasUp: false,
} as const;

/** A CHW fixture array as HWC. */
export function hwc(x: { shape: number[]; data: Float32Array }): Float32Array {
  const [c, h, w] = x.shape.slice(-3) as [number, number, number];
  const out = new Float32Array(c * h * w);
  for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) out[i * c + k] = x.data[k * h * w + i]!;
  return out;
}

/** max |a − b| over plain arrays. */
export const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** max |ours − official| over the generator's output, run as a network on the current backend. */
export async function officialGeneratorDiff(): Promise<number> {
  const { stateDict } = extractStateDict((await readTorchCheckpointFile(`${CUT_G_CASE}.pth`)).object);
  const g = defineCutG('G', { ...CUT_G_ARCH, ngf: 8 }, null);
  g.loadTorchStateDict(stateDict);
  const toNhwc = (x: { shape: number[]; data: Float32Array }) => {
    const [c, h, w] = x.shape.slice(-3) as [number, number, number];
    return tf.tensor4d(hwc(x), [1, h, w, c]);
  };
  const x = toNhwc(readNpy(`${CUT_G_CASE}.in.npy`));
  const expected = toNhwc(readNpy(`${CUT_G_CASE}.out.npy`));
  const y = g.forward(x, evalContext);
  const diff = await maxAbsDiff(y, expected);
  tf.dispose([x, expected, y]);
  g.dispose();
  return diff;
}

/** max |ours − official| when `file` (the imported official generator) translates the input in exact tiles of `tile` px. */
export async function officialTiledTranslationDiff(file: string, engine: EngineChoice, tile: number, cacheDir: string): Promise<number> {
  const t = await openImageTranslator(file, { engine, cacheDir });
  try {
    expect(t.engine).toMatch(engine === 'onnx' ? /onnxruntime/ : new RegExp(`tfjs \\(${tf.getBackend()}\\)`));
    const image = { data: hwc(readNpy(`${CUT_G_CASE}.in.npy`)), width: 64, height: 64, channels: 3 };
    const plan = { path: 'exact-tiles', reason: 'test', wholeBytes: 0 } as const;
    const y = await translateImage(t, image, plan, { tile, budgetBytes: 1 << 30 });
    return maxDiff(y.data, hwc(readNpy(`${CUT_G_CASE}.out.npy`)));
  } finally {
    await t.dispose();
  }
}

/** The official generator's output on the current backend, run as a network (register inside a describe). */
export function cutGeneratorParityTest(tolerance: NetworkTolerance): void {
  it('the official anti-aliased CUT generator (resnet_9blocks, ngf 8) gives the official output', async () => {
    expect(await officialGeneratorDiff()).toBeLessThan(tolerance.output);
  });
}

/** The imported official generator translating in exact 16 px tiles on tfjs's current backend (register inside a describe). */
export function cutTiledTranslationParityTest(tolerance: NetworkTolerance): void {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-cut-g-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('imported, the official CUT generator translates in exact tiles (4 × 4 of 16 px) to the official output', async () => {
    const file = path.join(dir, 'g.tandem');
    await importPthModel(`${CUT_G_CASE}.pth`, file);
    expect(await officialTiledTranslationDiff(file, 'tfjs', 16, dir)).toBeLessThan(tolerance.output);
  });
}
