import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveGeneratorFile } from '../../main/gan/models/generator-file.js';
import { defineG, type GeneratorArch } from '../../main/gan/networks/define.js';
import { Rng } from '../../main/gan/util/rng.js';
import { useTestBackend } from '../helpers/backend.js';
import { runCli, startCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tandem-cli-translate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function gradientImage(file: string, width: number, height: number, format: 'png' | 'jpeg' = 'png'): Promise<void> {
  const buf = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      buf[i] = (x * 255) / width;
      buf[i + 1] = (y * 255) / height;
      buf[i + 2] = ((x + y) * 7) % 256;
    }
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp(buf, { raw: { width, height, channels: 3 } });
  await (format === 'png' ? img.png() : img.jpeg()).toFile(file);
}

beforeAll(async () => {
  await useTestBackend();
  const arch: GeneratorArch = { netG: 'resnet_6blocks', inputNc: 3, outputNc: 3, ngf: 4, norm: 'instance', useDropout: false };
  const g = defineG('G', arch, { type: 'normal', gain: 0.02, rng: new Rng(1) });
  await saveGeneratorFile(path.join(dir, 'tiny.tandem'), g, arch, { from: 'test' });
  g.dispose();
});

describe('tandem translate', () => {
  it('keeps names, subfolders and sizes, reports a bad file and goes on', async () => {
    await gradientImage(path.join(dir, 'in', 'a.png'), 37, 50);
    await gradientImage(path.join(dir, 'in', 'sub', 'deeper', 'b.jpg'), 64, 40, 'jpeg');
    writeFileSync(path.join(dir, 'in', 'notes.png'), 'this is text, not a picture');
    const r = await runCli(['translate', '--model', 'tiny.tandem', '--input', 'in', '--output', 'out'], dir);
    expect(r.code).toBe(1); // one file failed
    expect(r.stderr).toMatch(/2 translated, 1 failed/);
    expect(r.stderr).toMatch(/notes\.png: .*not an image/i);
    expect(await sharp(path.join(dir, 'out', 'a.png')).metadata()).toMatchObject({ width: 37, height: 50, format: 'png' });
    expect(await sharp(path.join(dir, 'out', 'sub', 'deeper', 'b.jpg')).metadata()).toMatchObject({
      width: 64,
      height: 40,
      format: 'jpeg',
    });
  });

  it('resumes an interrupted run: outputs already there are skipped', async () => {
    for (let i = 0; i < 30; i++) await gradientImage(path.join(dir, 'many', `img${String(i).padStart(2, '0')}.png`), 96, 96);
    const run = startCli(['translate', '--model', 'tiny.tandem', '--input', 'many', '--output', 'many-out'], dir);
    const out = path.join(dir, 'many-out');
    while (!existsSync(out) || readdirSync(out).filter((f) => f.endsWith('.png')).length < 3) await sleep(50);
    run.child.kill('SIGINT');
    const first = await run.done;
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/stopped; run again to resume/);
    const doneFirst = readdirSync(out).filter((f) => f.endsWith('.png')).length;
    expect(doneFirst).toBeLessThan(30);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]); // nothing half-written
    const second = await runCli(['translate', '--model', 'tiny.tandem', '--input', 'many', '--output', 'many-out'], dir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`${30 - doneFirst} translated, ${doneFirst} already there`);
    expect(readdirSync(out).length).toBe(30);
  });

  it('translates a large photo in exact tiles when asked, same size out, and says so', async () => {
    await gradientImage(path.join(dir, 'big', 'photo.jpg'), 1500, 1000, 'jpeg');
    const r = await runCli(
      ['translate', '--model', 'tiny.tandem', '--input', 'big/photo.jpg', '--output', 'big-out', '--tile', '384'],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/photo\.jpg: exact tiles/);
    expect(r.stderr).toMatch(/1\.5 MP in .*s per megapixel \(1 in exact tiles\)/);
    expect(await sharp(path.join(dir, 'big-out', 'photo.jpg')).metadata()).toMatchObject({ width: 1500, height: 1000 });
  });

  it('writes next to a single input file, and never over it', async () => {
    await gradientImage(path.join(dir, 'single', 'photo.png'), 40, 30);
    const r = await runCli(['translate', '--model', 'tiny.tandem', '--input', 'single/photo.png', '--output', 'single/photo-out'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(await sharp(path.join(dir, 'single', 'photo-out', 'photo.png')).metadata()).toMatchObject({ width: 40, height: 30 });
    const over = await runCli(
      ['translate', '--model', 'tiny.tandem', '--input', 'single/photo.png', '--output', 'single', '--overwrite'],
      dir,
    );
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/would overwrite it; choose another --output/);
  });

  it('says an image is too small in pixels, and translates the smallest that works', async () => {
    await gradientImage(path.join(dir, 'tiny-in', 'four.png'), 4, 9);
    await gradientImage(path.join(dir, 'tiny-in', 'five.png'), 5, 5);
    const r = await runCli(['translate', '--model', 'tiny.tandem', '--input', 'tiny-in', '--output', 'tiny-out'], dir);
    expect(r.stderr).toMatch(/four\.png: too small: 4×9 px; resnet_6blocks needs at least 5 px per side/);
    expect(await sharp(path.join(dir, 'tiny-out', 'five.png')).metadata()).toMatchObject({ width: 5, height: 5 });
  });

  it('keeps transparency where the format can, and says where it cannot', async () => {
    const w = 24;
    const h = 20;
    const rgba = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([(i * 7) % 256, (i * 3) % 256, 90, (i * 11) % 256], i * 4);
    mkdirSync(path.join(dir, 'alpha'), { recursive: true });
    await sharp(rgba, { raw: { width: w, height: h, channels: 4 } })
      .png()
      .toFile(path.join(dir, 'alpha', 'cut.png'));
    const png = await runCli(['translate', '--model', 'tiny.tandem', '--input', 'alpha', '--output', 'alpha-png'], dir);
    expect(png.code, png.stderr).toBe(0);
    const out = await sharp(path.join(dir, 'alpha-png', 'cut.png'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(out.info.channels).toBe(4);
    for (let i = 0; i < w * h; i++) expect(out.data[i * 4 + 3]).toBe(rgba[i * 4 + 3]);
    const jpeg = await runCli(
      ['translate', '--model', 'tiny.tandem', '--input', 'alpha', '--output', 'alpha-jpeg', '--format', 'jpeg'],
      dir,
    );
    expect(jpeg.code, jpeg.stderr).toBe(0);
    expect(jpeg.stderr).toMatch(/cut\.png: transparency dropped: JPEG has none/);
  });

  it('first Ctrl-C finishes the images in progress, the second stops at once and leaves nothing behind', async () => {
    for (let i = 0; i < 3; i++) await gradientImage(path.join(dir, 'slow', `s${i}.png`), 1600, 1200);
    const tmp = path.join(dir, 'tmp-slow');
    mkdirSync(tmp);
    const run = startCli(['translate', '--model', 'tiny.tandem', '--input', 'slow', '--output', 'slow-out', '--tile', '96'], dir, {
      TMPDIR: tmp,
    });
    await run.stderrMatches(/exact tiles/);
    run.child.kill('SIGINT');
    const stderr = await run.stderrMatches(/Ctrl-C again/);
    expect(stderr).toMatch(/finishing \d image\(s\) in progress… Ctrl-C again to stop now/);
    const second = performance.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(performance.now() - second).toBeLessThan(20_000);
    expect(r.stderr).toMatch(/stopping now/);
    expect(r.stderr).toMatch(/stopped; run again to resume/);
    expect(readdirSync(tmp).filter((f) => f.startsWith('tandem-tiles-'))).toEqual([]);
    const left = existsSync(path.join(dir, 'slow-out')) ? readdirSync(path.join(dir, 'slow-out')) : [];
    expect(left.filter((f) => !/^s\d\.png$/.test(f))).toEqual([]);
  });

  it('gives the same pixels on onnxruntime and on tfjs (1 level)', async () => {
    await gradientImage(path.join(dir, 'engines', 'e.png'), 90, 70);
    const viaOnnx = await runCli(
      ['translate', '--model', 'tiny.tandem', '--input', 'engines', '--output', 'e-onnx', '--engine', 'onnx'],
      dir,
    );
    const viaTfjs = await runCli(
      ['translate', '--model', 'tiny.tandem', '--input', 'engines', '--output', 'e-tfjs', '--engine', 'tfjs'],
      dir,
    );
    expect(viaOnnx.stderr).toMatch(/engine: onnxruntime/);
    expect(viaTfjs.stderr).toMatch(/engine: tfjs \(wasm\)/);
    const [a, b] = await Promise.all(
      ['e-onnx', 'e-tfjs'].map((d) =>
        sharp(path.join(dir, d, 'e.png'))
          .raw()
          .toBuffer(),
      ),
    );
    let worst = 0;
    for (let i = 0; i < a!.length; i++) worst = Math.max(worst, Math.abs(a![i]! - b![i]!));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it("translates with a CUT generator in exact tiles, the whole image's pixels (1 level)", async () => {
    const arch: GeneratorArch = {
      netG: 'resnet_6blocks',
      inputNc: 3,
      outputNc: 3,
      ngf: 4,
      norm: 'instance',
      useDropout: false,
      antialias: { down: true, up: true },
    };
    const g = defineG('G', arch, { type: 'xavier', gain: 1, rng: new Rng(2) });
    await saveGeneratorFile(path.join(dir, 'cut.tandem'), g, arch, { from: 'test' });
    g.dispose();
    await gradientImage(path.join(dir, 'cut-in', 'c.png'), 90, 70);
    const whole = await runCli(['translate', '--model', 'cut.tandem', '--input', 'cut-in', '--output', 'cut-whole'], dir);
    const tiled = await runCli(['translate', '--model', 'cut.tandem', '--input', 'cut-in', '--output', 'cut-tiled', '--tile', '24'], dir);
    expect(whole.code, whole.stderr).toBe(0);
    expect(tiled.code, tiled.stderr).toBe(0);
    expect(tiled.stderr).toMatch(/c\.png: exact tiles/);
    const [a, b] = await Promise.all(
      ['cut-whole', 'cut-tiled'].map((d) =>
        sharp(path.join(dir, d, 'c.png'))
          .raw()
          .toBuffer(),
      ),
    );
    expect(a!.length).toBe(90 * 70 * 3);
    let worst = 0;
    for (let i = 0; i < a!.length; i++) worst = Math.max(worst, Math.abs(a![i]! - b![i]!));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('refuses an output folder inside the input folder', async () => {
    const r = await runCli(['translate', '--model', 'tiny.tandem', '--input', 'in', '--output', 'in/out'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lies inside --input/);
  });
});

describe('tandem export-model', () => {
  it('never overwrites: an existing --out is refused and kept; a new one is written whole', async () => {
    writeFileSync(path.join(dir, 'taken.onnx'), 'mine');
    const refused = await runCli(['export-model', 'tiny.tandem', '--format', 'onnx', '--out', 'taken.onnx'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${path.join(dir, 'taken.onnx')} already exists; choose another name (an export never overwrites)`);
    expect(readFileSync(path.join(dir, 'taken.onnx'), 'utf8')).toBe('mine');

    const written = await runCli(['export-model', 'tiny.tandem', '--format', 'onnx', '--out', 'fresh.onnx'], dir);
    expect(written.stderr).toContain(`wrote ${path.join(dir, 'fresh.onnx')} (ONNX opset 13`);
    expect(written.code).toBe(0);
    expect(readdirSync(dir).filter((n) => n.includes('fresh'))).toEqual(['fresh.onnx']); // no temp left beside it
  });
});
