// Synthetic datasets so a new user can train something in minutes without finding data first.
//
// paired/   (pix2pix, reference layout): train/ and test/ hold side-by-side A|B PNGs. A is a clean
//           black outline drawing of 1–3 shapes on white; B is the same shapes filled with a
//           gradient, a highlight and a soft shadow on a warm light background. The mapping is
//           exact and local, so pix2pix learns it quickly.
// unpaired/ (CycleGAN, reference layout): trainA/testA are flat pastel shapes on light pastel
//           backgrounds; trainB/testB are neon outlines with a glow on dark backgrounds. The two
//           sides are different random scenes, as real unpaired data would be.
//
// Every image comes from its own random stream, named by (seed, dataset, split, index), so output is
// byte-identical for the same seed whatever the concurrency.
//
// Defaults (200 training and 20 test images per side, 256 px): 660 files, about 20 MB, written in
// about 8 s on two cores; small enough that `tandem train` on it is practical on a laptop CPU
// (lower `size` to 128 for a faster first run).
import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Rng } from '../gan/util/rng.js';
import { mapWithConcurrency } from './concurrency.js';
import { DatasetError } from './errors.js';
import { writeImageBytes } from './image-write.js';
import { Canvas, SHAPE_KINDS, clamp01, fillCoverage, hsv, mix, strokeCoverage, type Rgb, type Shape } from './raster.js';

export interface DemoOptions {
  seed?: number;
  trainCount?: number;
  testCount?: number;
  /** Side of each square image in pixels (a paired file is 2·size wide). */
  size?: number;
  /** Replace existing paired/ and unpaired/ folders inside `folder` (nothing else is touched). */
  overwrite?: boolean;
}

export const DEMO_DEFAULTS = { seed: 1, trainCount: 200, testCount: 20, size: 256 } as const;

export interface DemoDatasets {
  root: string;
  /** Use as dataroot with the pix2pix model. */
  paired: string;
  /** Use as dataroot with the CycleGAN model. */
  unpaired: string;
  files: number;
  options: { seed: number; trainCount: number; testCount: number; size: number };
}

type Job = { dir: string; name: string; render: () => { bytes: Uint8Array; width: number; height: number } };

export async function writeDemoDatasets(folder: string, opts: DemoOptions = {}): Promise<DemoDatasets> {
  const seed = opts.seed ?? DEMO_DEFAULTS.seed;
  const trainCount = opts.trainCount ?? DEMO_DEFAULTS.trainCount;
  const testCount = opts.testCount ?? DEMO_DEFAULTS.testCount;
  const size = opts.size ?? DEMO_DEFAULTS.size;
  if (!Number.isSafeInteger(seed)) throw new DatasetError('bad-options', `seed must be a whole number; got ${seed}`);
  for (const [name, v, min] of [
    ['trainCount', trainCount, 1],
    ['testCount', testCount, 0],
    ['size', size, 16],
  ] as const) {
    if (!Number.isInteger(v) || v < min) throw new DatasetError('bad-options', `${name} must be a whole number ≥ ${min}; got ${v}`);
  }
  const root = resolve(folder);
  const paired = join(root, 'paired');
  const unpaired = join(root, 'unpaired');
  for (const dir of [paired, unpaired]) {
    const existing = await readdir(dir).catch(() => null);
    if (existing && existing.length > 0) {
      if (!opts.overwrite) {
        throw new DatasetError(
          'bad-options',
          `${dir} already exists and is not empty; choose an empty folder for the demo data, or allow overwriting it.`,
        );
      }
      await rm(dir, { recursive: true, force: true });
    }
  }

  const base = new Rng(seed);
  const jobs: Job[] = [];
  const name = (i: number) => `${String(i + 1).padStart(4, '0')}.png`;
  for (const [split, count] of [
    ['train', trainCount],
    ['test', testCount],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const rng = () => base.fork(`paired:${split}:${i}`);
      jobs.push({ dir: join(paired, split), name: name(i), render: () => renderPair(rng(), size) });
      for (const side of ['A', 'B'] as const) {
        const sideRng = () => base.fork(`unpaired:${split}${side}:${i}`);
        const draw = side === 'A' ? renderPastel : renderNeon;
        jobs.push({
          dir: join(unpaired, `${split}${side}`),
          name: name(i),
          render: () => ({ bytes: draw(sideRng(), size).toBytes(), width: size, height: size }),
        });
      }
    }
  }
  await mapWithConcurrency(jobs, 4, async (job) => {
    const img = job.render();
    await writeImageBytes(join(job.dir, job.name), { data: img.bytes, width: img.width, height: img.height, channels: 3 }, 'png');
  });
  return { root, paired, unpaired, files: jobs.length, options: { seed, trainCount, testCount, size } };
}

/** 1–`max` shapes of random kind, size, place and rotation, kept inside the frame. */
function randomShapes(rng: Rng, size: number, max: number): Shape[] {
  const count = rng.randint(1, max);
  const shapes: Shape[] = [];
  for (let i = 0; i < count; i++) {
    const r = size * (0.12 + 0.16 * rng.uniform());
    const margin = r + size * 0.04;
    shapes.push({
      kind: SHAPE_KINDS[rng.randint(0, SHAPE_KINDS.length - 1)]!,
      cx: margin + rng.uniform() * (size - 2 * margin),
      cy: margin + rng.uniform() * (size - 2 * margin),
      r,
      rotation: rng.uniform() * 2 * Math.PI,
    });
  }
  return shapes;
}

function renderPair(rng: Rng, size: number): { bytes: Uint8Array; width: number; height: number } {
  const shapes = randomShapes(rng, size, 3);
  const stroke = Math.max(1.5, size / 96);
  // A: outline drawing. Each shape is filled with white before its outline so that later shapes
  // hide earlier ones exactly where B's filled shapes do.
  const a = new Canvas(size, size, [1, 1, 1]);
  for (const s of shapes) {
    a.paint(s, 2, fillCoverage, () => [1, 1, 1]);
    a.paint(s, stroke + 2, strokeCoverage(stroke), () => [0.05, 0.05, 0.05]);
  }
  // B: shaded render.
  const b = new Canvas(size, size, [0.96, 0.94, 0.89]);
  for (const s of shapes) {
    const hue = rng.uniform();
    const light = hsv(hue, 0.55, 1);
    const dark = hsv(hue, 0.85, 0.55);
    const angle = rng.uniform() * 2 * Math.PI;
    const dirX = Math.cos(angle);
    const dirY = Math.sin(angle);
    const blur = size * 0.03;
    const shadow = { dx: size * 0.025, dy: size * 0.035 };
    b.paint(
      s,
      blur * 3,
      (d) => 0.3 * clamp01(0.5 - d / blur),
      () => [0.2, 0.18, 0.15],
      shadow,
    );
    const hx = s.cx - 0.35 * s.r;
    const hy = s.cy - 0.35 * s.r;
    const spread = 2 * (0.4 * s.r) ** 2;
    b.paint(s, 2, fillCoverage, (x, y) => {
      const t = clamp01(((x - s.cx) * dirX + (y - s.cy) * dirY) / (2 * s.r) + 0.5);
      const base: Rgb = mix(light, dark, t);
      const highlight = 0.65 * Math.exp(-((x - hx) ** 2 + (y - hy) ** 2) / spread);
      return mix(base, [1, 1, 1], highlight);
    });
  }
  // Side by side, A on the left, as the reference's combine_A_and_B.py writes them.
  const aBytes = a.toBytes();
  const bBytes = b.toBytes();
  const row = size * 3;
  const out = new Uint8Array(row * 2 * size);
  for (let y = 0; y < size; y++) {
    out.set(aBytes.subarray(y * row, (y + 1) * row), y * 2 * row);
    out.set(bBytes.subarray(y * row, (y + 1) * row), y * 2 * row + row);
  }
  return { bytes: out, width: 2 * size, height: size };
}

function renderPastel(rng: Rng, size: number): Canvas {
  const c = new Canvas(size, size, hsv(rng.uniform(), 0.08 + 0.08 * rng.uniform(), 0.97));
  for (const s of randomShapes(rng, size, 5)) {
    const colour = hsv(rng.uniform(), 0.3 + 0.15 * rng.uniform(), 0.93);
    c.paint(s, 2, fillCoverage, () => colour);
  }
  return c;
}

function renderNeon(rng: Rng, size: number): Canvas {
  const c = new Canvas(size, size, hsv(0.6 + 0.15 * rng.uniform(), 0.5, 0.06 + 0.04 * rng.uniform()));
  const stroke = Math.max(1.5, size / 110);
  const glow = size * 0.035;
  for (const s of randomShapes(rng, size, 5)) {
    const colour = hsv(rng.uniform(), 0.85, 1);
    c.addGlow(s, glow * 4, (d) => 0.55 * Math.exp(-Math.max(0, Math.abs(d) - stroke / 2) / glow), colour);
    c.paint(s, stroke + 2, strokeCoverage(stroke), () => mix(colour, [1, 1, 1], 0.45));
  }
  return c;
}
