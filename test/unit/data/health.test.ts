import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../../main/data/errors.js';
import { inspectDataset, inspectFolders, type HealthReport } from '../../../main/data/health.js';
import { assertTrainable, formatHealthReport } from '../../../main/data/health-summary.js';
import { resolveLayout } from '../../../main/data/layout.js';
import {
  makeTempDir,
  noise,
  write16BitPng,
  writeSolid,
  writeTestImage,
  writeTextFile,
  writeTruncatedJpeg,
} from '../../helpers/image-files.js';

let dir: string;
let cleanup: () => Promise<void>;
let report: HealthReport;
let folder: string;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  folder = join(dir, 'messy');
  // A realistic messy folder.
  await writeTestImage(join(folder, 'a.png'), 300, 300, noise);
  await copyFile(join(folder, 'a.png'), join(folder, 'a-copy.png'));
  await mkdir(join(folder, 'sub'));
  await copyFile(join(folder, 'a.png'), join(folder, 'sub', 'a-again.png'));
  await writeTestImage(join(folder, 'b.jpg'), 400, 300, (x, y) => noise(y, x), { format: 'jpeg', orientation: 6 });
  await writeTestImage(join(folder, 'gray.png'), 300, 260, (x) => [x % 256], { channels: 1 });
  await writeTestImage(join(folder, 'alpha.png'), 260, 260, () => [10, 20, 30, 100], { channels: 4 });
  await write16BitPng(join(folder, 'scan.png'), 280, 300, (x, y) => [x * 200, y * 200, 1000]);
  await writeSolid(join(folder, 'tiny.png'), 1, 1, [9, 9, 9]);
  await writeTruncatedJpeg(join(folder, 'cut.jpg'));
  await writeTextFile(join(folder, 'fake.png'));
  await writeTextFile(join(folder, 'readme.txt'));
  report = await inspectFolders([folder], { cropSize: 256 });
});
afterAll(() => cleanup());

describe('inspectFolders', () => {
  it('counts, sizes and formats', () => {
    const f = report.folders[0]!;
    expect(f.files).toBe(10);
    expect(f.readable).toBe(8);
    expect(report.totals).toEqual({ files: 10, readable: 8, unreadable: 2, usable: 8 });
    expect(f.otherFiles).toEqual({ '.txt': 1 });
    expect(f.sizes!.min).toEqual({ width: 1, height: 1 });
    expect(f.sizes!.max).toEqual({ width: 300, height: 400 }); // b.jpg measured upright
    expect(f.aspectRatios!.differing).toBeGreaterThan(0);
    expect(f.channels).toEqual({ rgb: 6, gray: 1, rgba: 1 });
    expect(f.bitDepths).toEqual({ '8': 7, '16': 1 });
  });

  it('finds duplicates by content', () => {
    expect(report.duplicates).toHaveLength(1);
    expect(report.duplicates[0]!.paths.map((p) => p.slice(folder.length + 1))).toEqual(['a-copy.png', 'a.png', 'sub/a-again.png']);
    expect(report.duplicates[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists unreadable files with reasons, alpha, EXIF rotation and tiny images', () => {
    const f = report.folders[0]!;
    const name = (p: string) => p.slice(folder.length + 1);
    expect(f.unreadable.map((u) => [name(u.path), u.reason])).toEqual([
      ['cut.jpg', 'truncated'],
      ['fake.png', 'not-an-image'],
    ]);
    expect(f.withAlpha.map(name)).toEqual(['alpha.png']);
    expect(f.exifRotated.map(name)).toEqual(['b.jpg']);
    expect(f.tiny.map((t) => [name(t.path), t.width, t.height])).toEqual([['tiny.png', 1, 1]]);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('formats a readable summary', () => {
    const text = formatHealthReport(report);
    expect(text).toContain('10 images, 8 readable');
    expect(text).toMatch(/! 2 files cannot be read and will be skipped:\n {6}cut\.jpg — truncated: .*\n {6}fake\.png — not-an-image: /);
    expect(text).toContain('! 1 image with transparency, composited on white: alpha.png');
    expect(text).toContain('1 image rotated upright from EXIF orientation: b.jpg');
    expect(text).toContain('! 1 image smaller than the 256-pixel crop (upscaled or padded, so blurry): tiny.png 1×1');
    expect(text).toMatch(/! 1 group of identical files \(2 extra copies\):\n.*a-copy\.png = .*a\.png = .*a-again\.png/);
    expect(text).toContain('1 other file ignored (.txt)');
    expect(text).toContain('bit depth: 8 7, 16 1');
    expect(text).toMatch(/Usable for training: 8 images \(2 unreadable files skipped\)\.$/);
    expect(() => assertTrainable(report)).not.toThrow();
  });
});

describe('inspectDataset and assertTrainable', () => {
  it('reports unmatched pairs and pairs of different sizes', async () => {
    const root = join(dir, 'paired');
    await writeSolid(join(root, 'A', '1.png'), 8, 8, [1, 1, 1]);
    await writeSolid(join(root, 'A', '2.png'), 8, 8, [2, 2, 2]);
    await writeSolid(join(root, 'A', 'lonely.png'), 8, 8, [3, 3, 3]);
    await writeSolid(join(root, 'B', '1.png'), 16, 16, [4, 4, 4]);
    await writeSolid(join(root, 'B', '2.jpg'), 8, 8, [5, 5, 5]);
    const layout = await resolveLayout({ kind: 'paired-folders', dirA: join(root, 'A'), dirB: join(root, 'B') });
    const r = await inspectDataset(layout, { cropSize: 4 });
    expect(r.layout!.kind).toBe('paired-folders');
    expect(r.unmatched!.A.map((p) => p.split('/').pop())).toEqual(['lonely.png']);
    expect(r.unmatched!.B).toEqual([]);
    expect(r.pairSizeMismatches.map((m) => [m.sizeA.width, m.sizeB.width])).toEqual([[8, 16]]);
    expect(r.totals.usable).toBe(2);
    const text = formatHealthReport(r);
    expect(text).toMatch(/! 1 A image without a B image of the same name: .*lonely\.png/);
    expect(text).toMatch(/! 1 pair where A and B differ in size/);
    expect(text).toContain('Usable for training: 2 pairs.');
  });

  it('throws what to fix for an empty or fully unreadable dataset', async () => {
    await mkdir(join(dir, 'nothing'));
    const empty = await inspectFolders([join(dir, 'nothing')]);
    expect(() => assertTrainable(empty)).toThrow(DatasetError);
    expect(() => assertTrainable(empty)).toThrow(/Cannot train on this dataset: the images folder .*nothing has no images; add \.jpg/);

    await writeTextFile(join(dir, 'broken', 'x.png'));
    await writeTruncatedJpeg(join(dir, 'broken', 'y.jpg'));
    const broken = await inspectFolders([join(dir, 'broken')]);
    expect(broken.totals).toMatchObject({ files: 2, readable: 0, usable: 0 });
    expect(() => assertTrainable(broken)).toThrow(
      /none of the 2 images in the images folder .*broken can be read \(e\.g\. x\.png: the file contains text/,
    );
    expect(formatHealthReport(broken)).toMatch(/! Nothing usable: none of the 2 images/);
  });

  it('a missing folder is a clear error', async () => {
    await expect(inspectFolders([join(dir, 'absent')])).rejects.toThrow(/absent does not exist; check the path/);
  });
});
