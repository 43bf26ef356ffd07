import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDatasets, type DemoDatasets } from '../../../main/data/demo.js';
import { inspectDataset } from '../../../main/data/health.js';
import { assertTrainable } from '../../../main/data/health-summary.js';
import { readImage } from '../../../main/data/image-read.js';
import { detectLayout } from '../../../main/data/layout.js';
import { makeTempDir } from '../../helpers/image-files.js';

let dir: string;
let cleanup: () => Promise<void>;
let first: DemoDatasets;
const opts = { seed: 11, trainCount: 4, testCount: 2, size: 48 };

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  first = await writeDemoDatasets(join(dir, 'one'), opts);
});
afterAll(() => cleanup());

async function filesUnder(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(relative(root, p), await readFile(p));
    }
  };
  await walk(root);
  return out;
}

describe('writeDemoDatasets', () => {
  it('writes the reference layouts with the requested counts', async () => {
    const files = await filesUnder(first.root);
    expect([...files.keys()].sort()).toEqual(
      [
        ...['0001', '0002', '0003', '0004'].flatMap((n) => [
          `paired/train/${n}.png`,
          `unpaired/trainA/${n}.png`,
          `unpaired/trainB/${n}.png`,
        ]),
        ...['0001', '0002'].flatMap((n) => [`paired/test/${n}.png`, `unpaired/testA/${n}.png`, `unpaired/testB/${n}.png`]),
      ].sort(),
    );
    expect(first.files).toBe(18);
  });

  it('is byte-identical for the same seed and different for another', async () => {
    const again = await writeDemoDatasets(join(dir, 'two'), opts);
    const other = await writeDemoDatasets(join(dir, 'three'), { ...opts, seed: 12 });
    const a = await filesUnder(first.root);
    const b = await filesUnder(again.root);
    const c = await filesUnder(other.root);
    for (const [name, bytes] of a) expect(bytes.equals(b.get(name)!), name).toBe(true);
    expect(a.get('paired/train/0001.png')!.equals(c.get('paired/train/0001.png')!)).toBe(false);
  });

  it('is detected as pix2pix and CycleGAN data and passes the health check', async () => {
    const paired = await detectLayout({ dataroot: first.paired, phase: 'train', model: 'pix2pix' });
    expect(paired.kind).toBe('aligned');
    const unpaired = await detectLayout({ dataroot: first.unpaired, phase: 'test', model: 'cyclegan' });
    expect(unpaired.kind).toBe('unpaired');
    for (const layout of [paired, unpaired]) {
      const report = await inspectDataset(layout, { cropSize: 48 });
      expect(report.totals.unreadable).toBe(0);
      expect(report.duplicates).toEqual([]);
      expect(report.folders.every((f) => f.tiny.length === 0 && f.withAlpha.length === 0)).toBe(true);
      assertTrainable(report);
    }
  });

  it('draws what it promises: A is a black-on-white outline, B a shaded shape on a light ground; B side is neon on dark', async () => {
    const pair = await readImage(join(first.paired, 'train', '0001.png'), { channels: 3 });
    expect([pair.width, pair.height]).toEqual([96, 48]);
    const mean = (img: { data: Float32Array; width: number; channels: number }, x0: number, x1: number) => {
      let s = 0;
      let n = 0;
      for (let i = 0; i < img.data.length; i += img.channels) {
        const x = (i / img.channels) % img.width;
        if (x >= x0 && x < x1) {
          s += img.data[i]!;
          n++;
        }
      }
      return s / n;
    };
    let minA = 1;
    for (let i = 0; i < pair.data.length; i += 3) if ((i / 3) % 96 < 48) minA = Math.min(minA, pair.data[i]!);
    expect(minA).toBeLessThan(-0.5); // dark outline strokes
    expect(mean(pair, 0, 48)).toBeGreaterThan(0.6); // mostly white paper
    const a = await readImage(join(first.unpaired, 'trainA', '0001.png'), { channels: 3 });
    const b = await readImage(join(first.unpaired, 'trainB', '0001.png'), { channels: 3 });
    expect(mean(a, 0, 48)).toBeGreaterThan(0.5); // light pastel
    expect(mean(b, 0, 48)).toBeLessThan(-0.4); // dark with glow
  });

  it('refuses to write over existing data unless asked', async () => {
    await expect(writeDemoDatasets(join(dir, 'one'), opts)).rejects.toThrow(/already exists and is not empty; choose an empty folder/);
    const again = await writeDemoDatasets(join(dir, 'one'), { ...opts, trainCount: 2, testCount: 0, overwrite: true });
    expect([...(await filesUnder(again.root)).keys()]).toHaveLength(6);
  });
});
