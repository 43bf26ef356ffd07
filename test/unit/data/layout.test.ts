import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../../main/data/errors.js';
import { describeLayout, detectLayout, resolveLayout } from '../../../main/data/layout.js';
import { scanImageFolder } from '../../../main/data/scan.js';
import { makeTempDir, writeSolid, writeTextFile } from '../../helpers/image-files.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

async function datasetError(p: Promise<unknown>): Promise<DatasetError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DatasetError);
  return e as DatasetError;
}

/** Solid images at `root`/<path> (`width`×`height`), each a different grey. */
async function writeImagesAt(root: string, paths: string[], width = 4, height = 4): Promise<void> {
  for (const [i, p] of paths.entries()) await writeSolid(join(root, ...p.split('/')), width, height, [i + 1, i + 1, i + 1]);
}

describe('scanning', () => {
  it('is recursive, case-insensitive, skips hidden and temp files, and sorts', async () => {
    const root = join(dir, 'scan');
    await writeImagesAt(root, ['b.PNG', 'a.jpg', 'sub/c.png', '.hidden.png', '.x.png.123.abcdef012345.tmp'], 2, 2);
    await writeTextFile(join(root, 'notes.txt'));
    const scan = await scanImageFolder(root);
    expect(scan.images.map((p) => p.slice(root.length + 1))).toEqual(['a.jpg', 'b.PNG', 'sub/c.png']);
    expect(scan.otherFiles).toEqual({ '.txt': 1 });
    expect(scan.skippedHidden + scan.skippedTemp).toBe(2);
  });

  it('explains an empty folder, a folder without images, a missing folder, and a file', async () => {
    await mkdir(join(dir, 'empty'));
    let e = await datasetError(resolveLayout({ kind: 'single', dir: join(dir, 'empty') }));
    expect(e.code).toBe('empty-folder');
    expect(e.message).toMatch(/empty\/? is empty; put the images in it/);

    for (let i = 0; i < 12; i++) await writeTextFile(join(dir, 'texts', `f${i}.${i < 8 ? 'txt' : 'csv'}`));
    e = await datasetError(resolveLayout({ kind: 'single', dir: join(dir, 'texts') }));
    expect(e.code).toBe('no-images');
    expect(e.message).toContain('12 files, none of them images (.txt, .csv)');

    e = await datasetError(resolveLayout({ kind: 'single', dir: join(dir, 'nope') }));
    expect(e.code).toBe('folder-missing');
    expect(e.message).toMatch(/nope does not exist/);

    await writeFile(join(dir, 'afile'), 'x');
    e = await datasetError(resolveLayout({ kind: 'single', dir: join(dir, 'afile') }));
    expect(e.code).toBe('not-a-folder');
  });
});

describe('reference layouts', () => {
  it('pix2pix: <root>/<phase>/ of side-by-side images', async () => {
    const root = join(dir, 'facades');
    await writeImagesAt(root, ['train/2.jpg', 'train/1.jpg', 'test/1.jpg'], 8, 4);
    const layout = await detectLayout({ dataroot: root, phase: 'train', model: 'pix2pix' });
    expect(layout.kind).toBe('aligned');
    if (layout.kind !== 'aligned') return;
    expect(layout.files.map((f) => f.slice(root.length + 1))).toEqual(['train/1.jpg', 'train/2.jpg']);
    expect(describeLayout(layout)).toMatch(/^2 side-by-side A\|B images \(reference pix2pix layout/);
  });

  it('cyclegan: <root>/<phase>A and <root>/<phase>B', async () => {
    const root = join(dir, 'horse2zebra');
    await writeImagesAt(root, ['trainA/h1.jpg', 'trainA/h2.jpg', 'trainB/z1.jpg']);
    const layout = await detectLayout({ dataroot: root, phase: 'train', model: 'cyclegan' });
    expect(layout.kind).toBe('unpaired');
    if (layout.kind !== 'unpaired') return;
    expect([layout.filesA.length, layout.filesB.length]).toEqual([2, 1]);
    expect(layout.origin).toMatch(/reference CycleGAN layout trainA \+ trainB/);
    // The same folders serve pix2pix as name-matched pairs: nothing matches here.
    const e = await datasetError(detectLayout({ dataroot: root, phase: 'train', model: 'pix2pix' }));
    expect(e.code).toBe('no-pairs');
    expect(e.message).toMatch(/A has e\.g\. h1\.jpg, h2\.jpg; B has e\.g\. z1\.jpg/);
  });

  it('says what it looked for and what it found', async () => {
    const root = join(dir, 'odd');
    await writeImagesAt(root, ['trainA/x.png']);
    await mkdir(join(root, 'other'));
    const e = await datasetError(detectLayout({ dataroot: root, phase: 'train', model: 'cyclegan' }));
    expect(e.code).toBe('no-layout');
    expect(e.message).toMatch(/No cyclegan train data in .*odd: expected folders .*trainA and .*trainB/);
    expect(e.message).toMatch(/It holds folders other, trainA\. Found trainA but not its partner trainB\./);
    const missing = await datasetError(detectLayout({ dataroot: join(dir, 'missing'), phase: 'train', model: 'pix2pix' }));
    expect(missing.code).toBe('folder-missing');
  });
});

describe('Tandem paired folders', () => {
  it('pairs by name without extension and lists the unmatched', async () => {
    const root = join(dir, 'sketches');
    await writeImagesAt(root, ['train/A/cat.jpg', 'train/A/dog.png', 'train/A/emu.png']);
    await writeImagesAt(root, ['train/B/cat.png', 'train/B/dog.webp', 'train/B/fox.png']);
    const layout = await detectLayout({ dataroot: root, phase: 'train', model: 'pix2pix' });
    expect(layout.kind).toBe('paired-folders');
    if (layout.kind !== 'paired-folders') return;
    expect(layout.pairs.map((p) => p.name)).toEqual(['cat', 'dog']);
    expect(layout.pairs[1]!.b).toMatch(/B\/dog\.webp$/);
    expect(layout.unmatchedA.map((f) => f.split('/').pop())).toEqual(['emu.png']);
    expect(layout.unmatchedB.map((f) => f.split('/').pop())).toEqual(['fox.png']);
    expect(describeLayout(layout)).toMatch(/^2 pairs .*; 2 files without a partner$/);
    // Explicit folders give the same pairs.
    const explicit = await resolveLayout({ kind: 'paired-folders', dirA: join(root, 'train', 'A'), dirB: join(root, 'train', 'B') });
    expect(explicit.kind === 'paired-folders' && explicit.pairs.length).toBe(2);
  });

  it('lists a second file of the same name on one side instead of guessing', async () => {
    const root = join(dir, 'dupe-names');
    await writeImagesAt(root, ['A/x.jpg', 'A/x.png', 'B/x.png']);
    const layout = await resolveLayout({ kind: 'paired-folders', dirA: join(root, 'A'), dirB: join(root, 'B') });
    if (layout.kind !== 'paired-folders') throw new Error('wrong kind');
    expect(layout.pairs.map((p) => p.a.split('/').pop())).toEqual(['x.jpg']);
    expect(layout.unmatchedA.map((f) => f.split('/').pop())).toEqual(['x.png']);
  });

  it('cyclegan reads <root>/A and <root>/B as unpaired folders', async () => {
    const root = join(dir, 'plain-ab');
    await writeImagesAt(root, ['A/1.png', 'B/9.png']);
    const layout = await detectLayout({ dataroot: root, phase: 'train', model: 'cyclegan' });
    expect(layout.kind).toBe('unpaired');
  });
});
