import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../main/gan/util/rng.js';
import {
  DEFAULT_PREPROCESS,
  applyTransform,
  roundHalfEven,
  roundToMultipleOf4,
  sampleTransformParams,
  validatePreprocessOptions,
  type PreprocessOptions,
} from '../../../main/data/preprocess.js';
import { makeTempDir, writeTestImage } from '../../helpers/image-files.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

const opts = (o: Partial<PreprocessOptions>): PreprocessOptions => ({ ...DEFAULT_PREPROCESS, ...o });

describe('sampleTransformParams', () => {
  it('resize_and_crop: load×load, crop anywhere in [0, load-crop], flips about half the time', () => {
    const rng = new Rng(1);
    const xs = new Set<number>();
    let flips = 0;
    for (let i = 0; i < 400; i++) {
      const p = sampleTransformParams(rng, 1000, 600, DEFAULT_PREPROCESS);
      expect(p.resize).toEqual({ w: 286, h: 286 });
      expect(p.crop!.size).toBe(256);
      expect(p.crop!.x).toBeGreaterThanOrEqual(0);
      expect(p.crop!.x).toBeLessThanOrEqual(30);
      expect(p.crop!.y).toBeLessThanOrEqual(30);
      xs.add(p.crop!.x);
      if (p.flip) flips++;
    }
    expect(xs.size).toBe(31); // every position 0..30 drawn
    expect(flips).toBeGreaterThan(150);
    expect(flips).toBeLessThan(250);
  });

  it('no_flip never flips', () => {
    const rng = new Rng(2);
    for (let i = 0; i < 50; i++) expect(sampleTransformParams(rng, 300, 300, opts({ no_flip: true })).flip).toBe(false);
  });

  it('crop: no resize; an image smaller than the crop gets position 0', () => {
    const rng = new Rng(3);
    const p = sampleTransformParams(rng, 300, 260, opts({ preprocess: 'crop' }));
    expect(p.resize).toBeNull();
    expect(p.crop!.x).toBeLessThanOrEqual(44);
    expect(p.crop!.y).toBeLessThanOrEqual(4);
    expect(sampleTransformParams(rng, 100, 80, opts({ preprocess: 'crop' })).crop).toEqual({ x: 0, y: 0, size: 256 });
  });

  it('scale_width follows __scale_width, including its max(…, crop_size)', () => {
    const rng = new Rng(4);
    const sw = opts({ preprocess: 'scale_width' });
    expect(sampleTransformParams(rng, 1000, 500, sw)).toMatchObject({ resize: { w: 286, h: 256 }, crop: null });
    expect(sampleTransformParams(rng, 1000, 1500, sw).resize).toEqual({ w: 286, h: 429 });
    expect(sampleTransformParams(rng, 286, 400, sw).resize).toBeNull(); // already load wide, tall enough
    expect(sampleTransformParams(rng, 286, 100, sw).resize).toEqual({ w: 286, h: 256 });
    const swc = sampleTransformParams(rng, 1000, 2000, opts({ preprocess: 'scale_width_and_crop' }));
    expect(swc.resize).toEqual({ w: 286, h: 572 });
    expect(swc.crop!.x).toBeLessThanOrEqual(30);
    expect(swc.crop!.y).toBeLessThanOrEqual(316);
  });

  it('none rounds each side to the nearest multiple of 4 (Python rounding, never below 4)', () => {
    const rng = new Rng(5);
    const none = opts({ preprocess: 'none' });
    expect(sampleTransformParams(rng, 256, 128, none)).toMatchObject({ resize: null, crop: null });
    expect(sampleTransformParams(rng, 257, 255, none).resize).toEqual({ w: 256, h: 256 });
    expect(sampleTransformParams(rng, 258, 262, none).resize).toEqual({ w: 256, h: 264 }); // 64.5 → 64, 65.5 → 66
    expect(sampleTransformParams(rng, 1, 1, none).resize).toEqual({ w: 4, h: 4 });
    expect([roundHalfEven(2.5), roundHalfEven(3.5), roundHalfEven(2.4), roundToMultipleOf4(510)]).toEqual([2, 4, 2, 512]);
  });

  it('rejects options that cannot work, saying which to change', () => {
    expect(() => validatePreprocessOptions(opts({ load_size: 200 }))).toThrow(/load_size \(200\) is smaller than crop_size \(256\)/);
    expect(() => validatePreprocessOptions(opts({ preprocess: 'zoom' as never }))).toThrow(/preprocess must be one of/);
    expect(() => validatePreprocessOptions(opts({ input_nc: 2 as never }))).toThrow(/input_nc must be 1 \(grayscale\) or 3/);
    expect(() => validatePreprocessOptions(DEFAULT_PREPROCESS)).not.toThrow();
  });
});

describe('applyTransform', () => {
  it('flips, crops, and pads a crop that reaches past the image with black', async () => {
    // Left half red, right half blue.
    const p = await writeTestImage(join(dir, 'lr.png'), 8, 4, (x) => (x < 4 ? [255, 0, 0] : [0, 0, 255]));
    const flipped = await applyTransform(p, { resize: null, crop: null, flip: true }, 3);
    expect(Array.from(flipped.subarray(0, 3))).toEqual([-1, -1, 1]); // top-left is now blue
    const cropped = await applyTransform(p, { resize: null, crop: { x: 2, y: 0, size: 4 }, flip: false }, 3);
    expect(Array.from(cropped.subarray(0, 3))).toEqual([1, -1, -1]); // x=2 is red
    expect(Array.from(cropped.subarray(9, 12))).toEqual([-1, -1, 1]); // x=5 is blue
    const padded = await applyTransform(p, { resize: null, crop: { x: 0, y: 0, size: 6 }, flip: false }, 1);
    expect(padded.length).toBe(36);
    expect(padded[5 * 6]).toBe(-1); // row 5 lies below the 4-row image
  });

  it('resizes bicubically in sharp (a flat image stays flat)', async () => {
    const p = await writeTestImage(join(dir, 'flat.png'), 10, 7, () => [51, 102, 204]);
    const out = await applyTransform(p, { resize: { w: 6, h: 6 }, crop: { x: 1, y: 1, size: 4 }, flip: false }, 3);
    expect(out.length).toBe(48);
    expect(out[0]).toBeCloseTo((51 / 255) * 2 - 1, 5);
    expect(out[47]).toBeCloseTo((204 / 255) * 2 - 1, 5);
  });
});
