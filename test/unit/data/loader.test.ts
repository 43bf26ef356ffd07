import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../main/gan/backend/index.js';
import { tf } from '../../../main/gan/tf.js';
import { DatasetError } from '../../../main/data/errors.js';
import { resolveLayout, type DatasetLayout } from '../../../main/data/layout.js';
import { DatasetLoader, type LoadedBatch, type LoaderOptions } from '../../../main/data/loader.js';
import { DEFAULT_PREPROCESS, type PreprocessOptions } from '../../../main/data/preprocess.js';
import { makeTempDir, noise, writeTestImage, writeTextFile } from '../../helpers/image-files.js';

let dir: string;
let cleanup: () => Promise<void>;
let aligned: DatasetLayout;
beforeAll(async () => {
  await initBackend('cpu');
  ({ dir, cleanup } = await makeTempDir());
  // Ten side-by-side files whose A and B halves are identical noise, so any difference between A
  // and B after loading would come from a different crop or flip.
  for (let i = 0; i < 10; i++) {
    await writeTestImage(join(dir, 'aligned', `${i}.png`), 24, 12, (x, y) => noise((x % 12) + i, y));
  }
  aligned = await resolveLayout({ kind: 'aligned', dir: join(dir, 'aligned') });
});
afterAll(() => cleanup());

const small: PreprocessOptions = { ...DEFAULT_PREPROCESS, load_size: 10, crop_size: 8 };
const options = (o: Partial<LoaderOptions> = {}): LoaderOptions => ({ batch_size: 3, preprocess: small, direction: 'AtoB', seed: 7, ...o });

interface Seen {
  index: number;
  pathsA: string[];
  pathsB: string[];
  A: number[];
  B: number[];
  shapeA: number[];
  shapeB: number[];
}

async function collect(gen: AsyncGenerator<LoadedBatch>): Promise<Seen[]> {
  const out: Seen[] = [];
  for await (const b of gen) {
    out.push({
      index: b.index,
      pathsA: b.pathsA,
      pathsB: b.pathsB,
      A: Array.from(b.A.dataSync()),
      B: Array.from(b.B.dataSync()),
      shapeA: b.A.shape,
      shapeB: b.B.shape,
    });
    tf.dispose([b.A, b.B]);
  }
  return out;
}

describe('DatasetLoader', () => {
  it('aligned: A and B get the same crop and flip', async () => {
    const loader = new DatasetLoader(aligned, options());
    expect(loader.size).toBe(10);
    expect(loader.batchesPerEpoch).toBe(4);
    const batches = await collect(loader.epoch(0));
    expect(batches.map((b) => b.pathsA.length)).toEqual([3, 3, 3, 1]); // last batch short, as the reference
    for (const b of batches) {
      expect(b.shapeA).toEqual([b.pathsA.length, 8, 8, 3]);
      expect(b.A).toEqual(b.B);
      expect(b.pathsA).toEqual(b.pathsB);
    }
    // The crops and flips do vary: without flips the same images come out differently.
    const unflipped = await collect(new DatasetLoader(aligned, options({ preprocess: { ...small, no_flip: true } })).epoch(0));
    expect(unflipped.map((b) => b.A)).not.toEqual(batches.map((b) => b.A));
  });

  it('paired folders: A and B get the same crop and flip', async () => {
    for (let i = 0; i < 4; i++) {
      const a = await writeTestImage(join(dir, 'pairs', 'A', `${i}.png`), 16, 12, (x, y) => noise(x + 3 * i, y));
      await mkdir(join(dir, 'pairs', 'B'), { recursive: true });
      await copyFile(a, join(dir, 'pairs', 'B', `${i}.png`));
    }
    const layout = await resolveLayout({ kind: 'paired-folders', dirA: join(dir, 'pairs', 'A'), dirB: join(dir, 'pairs', 'B') });
    const batches = await collect(new DatasetLoader(layout, options({ batch_size: 2 })).epoch(3));
    expect(batches).toHaveLength(2);
    for (const b of batches) expect(b.A).toEqual(b.B);
  });

  it('splits odd widths at floor(w/2) and drops the last column', async () => {
    // 9 wide: columns 0-3 red (A), 4-7 blue (B), 8 green (belongs to neither).
    await writeTestImage(join(dir, 'odd', 'x.png'), 9, 4, (x) => (x < 4 ? [255, 0, 0] : x < 8 ? [0, 0, 255] : [0, 255, 0]));
    const layout = await resolveLayout({ kind: 'aligned', dir: join(dir, 'odd') });
    const pre: PreprocessOptions = { ...small, preprocess: 'none', no_flip: true };
    const [b] = await collect(new DatasetLoader(layout, options({ batch_size: 1, preprocess: pre })).epoch(0));
    expect(b!.shapeA).toEqual([1, 4, 4, 3]);
    expect(b!.shapeB).toEqual([1, 4, 4, 3]);
    for (let i = 0; i < 16; i++) {
      expect(b!.A.slice(i * 3, i * 3 + 3)).toEqual([1, -1, -1]);
      expect(b!.B.slice(i * 3, i * 3 + 3)).toEqual([-1, -1, 1]);
    }
  });

  it('shuffles deterministically per (seed, epoch); serial_batches keeps file order', async () => {
    const order = async (seed: number, epoch: number, serial = false) =>
      (await collect(new DatasetLoader(aligned, options({ seed, serial_batches: serial })).epoch(epoch))).flatMap((b) => b.pathsA);
    const e1 = await order(7, 1);
    expect(await order(7, 1)).toEqual(e1);
    expect(await order(7, 2)).not.toEqual(e1);
    expect(await order(8, 1)).not.toEqual(e1);
    expect([...e1].sort()).toEqual(aligned.kind === 'aligned' ? aligned.files : []);
    expect(await order(7, 1, true)).toEqual(aligned.kind === 'aligned' ? aligned.files : []);
  });

  it('resuming mid-epoch gives exactly the rest of the same epoch', async () => {
    const full = await collect(new DatasetLoader(aligned, options()).epoch(5));
    const resumed = await collect(new DatasetLoader(aligned, options()).epoch(5, { startAt: 2 }));
    expect(resumed).toEqual(full.slice(2));
    expect(resumed[0]!.index).toBe(2);
    await expect(collect(new DatasetLoader(aligned, options()).epoch(5, { startAt: 9 }))).rejects.toThrow(
      /startAt must be a batch number from 0 to 4/,
    );
  });

  it('skips and reports a file deleted or truncated mid-run; the epoch goes on', async () => {
    for (let i = 0; i < 6; i++) await writeTestImage(join(dir, 'fragile', `${i}.png`), 20, 10, (x, y) => noise(x + i, y));
    const layout = await resolveLayout({ kind: 'aligned', dir: join(dir, 'fragile') });
    const loader = new DatasetLoader(layout, options({ batch_size: 2, serial_batches: true, prefetch: 0 }));
    const skipped: Array<[string, string]> = [];
    loader.onSkip((path, reason) => skipped.push([path, reason]));
    const sizes: number[] = [];
    for await (const b of loader.epoch(0)) {
      sizes.push(b.pathsA.length);
      tf.dispose([b.A, b.B]);
      if (b.index === 0) {
        await rm(join(dir, 'fragile', '3.png'));
        const whole = await readFile(join(dir, 'fragile', '4.png'));
        await writeFile(join(dir, 'fragile', '4.png'), whole.subarray(0, 60)); // an interrupted copy
      }
    }
    expect(sizes).toEqual([2, 1, 1]);
    expect(skipped.map(([p]) => p.split('/').pop())).toEqual(['3.png', '4.png']);
    expect(skipped[0]![1]).toMatch(/3\.png: the file no longer exists/);
    expect(skipped[1]![1]).toMatch(/4\.png: the file is damaged or cut short/);
    expect(loader.loadStats().itemsSkipped).toBe(2);
  });

  it('fails with a clear error when every file is bad', async () => {
    for (let i = 0; i < 3; i++) await writeTestImage(join(dir, 'doomed', `${i}.png`), 8, 4, () => [1, 2, 3]);
    const layout = await resolveLayout({ kind: 'aligned', dir: join(dir, 'doomed') });
    for (let i = 0; i < 3; i++) await writeTextFile(join(dir, 'doomed', `${i}.png`));
    const loader = new DatasetLoader(layout, options({ batch_size: 2 }));
    const err = await collect(loader.epoch(0)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).code).toBe('all-unreadable');
    expect((err as Error).message).toMatch(/Every image of epoch 0 failed to load.*contains text, not an image/);
  });

  it('leaks no tensors, also when the consumer stops early', async () => {
    const before = tf.memory().numTensors;
    const loader = new DatasetLoader(aligned, options());
    for await (const b of loader.epoch(0)) tf.dispose([b.A, b.B]);
    for await (const b of loader.epoch(1)) {
      tf.dispose([b.A, b.B]);
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
    const stats = loader.loadStats();
    expect(stats.decodeSecondsTotal).toBeGreaterThan(0);
    expect(stats.waitSecondsTotal).toBeGreaterThanOrEqual(0);
    expect(stats.batches).toBe(5);
  });

  it('unaligned: size is max(|A|, |B|), channels follow direction, B random unless serial', async () => {
    for (let i = 0; i < 5; i++) await writeTestImage(join(dir, 'u', 'trainA', `a${i}.png`), 12, 12, (x, y) => noise(x + i, y));
    for (let i = 0; i < 2; i++)
      await writeTestImage(join(dir, 'u', 'trainB', `b${i}.png`), 14, 10, (x, y) => noise(y + i, x), { channels: 1 });
    const layout = await resolveLayout({ kind: 'detect', dataroot: join(dir, 'u'), phase: 'train', model: 'cyclegan' });
    const pre: PreprocessOptions = { ...small, input_nc: 3, output_nc: 1 };
    const serial = await collect(new DatasetLoader(layout, options({ batch_size: 5, serial_batches: true, preprocess: pre })).epoch(0));
    expect(serial).toHaveLength(1);
    expect(serial[0]!.shapeA).toEqual([5, 8, 8, 3]);
    expect(serial[0]!.shapeB).toEqual([5, 8, 8, 1]);
    expect(serial[0]!.pathsB.map((p) => p.split('/').pop())).toEqual(['b0.png', 'b1.png', 'b0.png', 'b1.png', 'b0.png']);
    // BtoA: the A folder feeds the model's output side, so it is read with output_nc channels.
    const btoa = await collect(new DatasetLoader(layout, options({ batch_size: 5, direction: 'BtoA', preprocess: pre })).epoch(0));
    expect(btoa[0]!.shapeA).toEqual([5, 8, 8, 1]);
    expect(btoa[0]!.shapeB).toEqual([5, 8, 8, 3]);
    const loader = new DatasetLoader(layout, options({ preprocess: pre }));
    expect(loader.size).toBe(5);
    const bs = new Set<string>();
    for (let e = 0; e < 6; e++) for (const item of loader.plan(e)) bs.add(`${item.position}:${item.pathB}`);
    expect(bs.size).toBeGreaterThan(5); // B partners change between epochs
  });

  it('refuses to batch images of different sizes under preprocess none, saying what to change', async () => {
    await writeTestImage(join(dir, 'mixed', '1.png'), 16, 8, () => [0, 0, 0]);
    await writeTestImage(join(dir, 'mixed', '2.png'), 24, 8, () => [0, 0, 0]);
    const layout = await resolveLayout({ kind: 'aligned', dir: join(dir, 'mixed') });
    const loader = new DatasetLoader(layout, options({ batch_size: 2, preprocess: { ...small, preprocess: 'none' } }));
    const before = tf.memory().numTensors;
    await expect(collect(loader.epoch(0))).rejects.toThrow(/different sizes .* use batch_size 1, or a preprocess that crops/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('decodes the next batches while the consumer works on the current one', async () => {
    const loader = new DatasetLoader(aligned, options({ batch_size: 2, prefetch: 2 }));
    for await (const b of loader.epoch(0)) {
      // Simulated training step: meanwhile batches 1 and 2 should finish decoding in the background.
      await new Promise((r) => setTimeout(r, 150));
      expect(loader.loadStats().itemsLoaded).toBe(6);
      tf.dispose([b.A, b.B]);
      break;
    }
  });

  it('max_dataset_size keeps the first files, as the reference', () => {
    const loader = new DatasetLoader(aligned, options({ max_dataset_size: 4, serial_batches: true }));
    expect(loader.size).toBe(4);
    expect(loader.plan(0).map((p) => p.pathA)).toEqual(aligned.kind === 'aligned' ? aligned.files.slice(0, 4) : []);
    expect(() => new DatasetLoader(aligned, options({ batch_size: 0 }))).toThrow(/batch_size must be a whole number ≥ 1/);
  });
});
