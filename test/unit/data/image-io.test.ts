import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyDecodeError, ImageReadError } from '../../../main/data/errors.js';
import { readImage } from '../../../main/data/image-read.js';
import { formatFromPath, writeImage } from '../../../main/data/image-write.js';
import { makeTempDir, noise, write16BitPng, writeTestImage, writeTextFile, writeTruncatedJpeg } from '../../helpers/image-files.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

async function readError(path: string): Promise<ImageReadError> {
  const err = await readImage(path, { channels: 3 }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageReadError);
  return err as ImageReadError;
}

describe('readImage', () => {
  it('reads an RGB PNG exactly, scaled to [-1, 1]', async () => {
    const p = await writeTestImage(join(dir, 'rgb.png'), 5, 3, (x, y) => [x * 50, y * 100, 255]);
    const img = await readImage(p, { channels: 3 });
    expect([img.width, img.height, img.channels]).toEqual([5, 3, 3]);
    expect(img.info).toMatchObject({ format: 'png', bitDepth: 8, sourceChannels: 3, hadAlpha: false, exifOrientation: null });
    const at = (x: number, y: number) => Array.from(img.data.subarray((y * 5 + x) * 3, (y * 5 + x) * 3 + 3));
    expect(at(0, 0)).toEqual([-1, -1, 1]);
    expect(at(4, 2)[0]).toBeCloseTo((200 / 255) * 2 - 1, 6);
    expect(at(4, 2)[1]).toBeCloseTo((200 / 255) * 2 - 1, 6);
  });

  it('reads a 1×1 image', async () => {
    const p = await writeTestImage(join(dir, 'one.png'), 1, 1, () => [255, 0, 0]);
    const img = await readImage(p, { channels: 3 });
    expect([img.width, img.height]).toEqual([1, 1]);
    expect(Array.from(img.data)).toEqual([1, -1, -1]);
  });

  it('keeps grayscale as 1 channel or replicates it to 3', async () => {
    const p = await writeTestImage(join(dir, 'gray.png'), 4, 2, (x) => [x * 60], { channels: 1 });
    const one = await readImage(p, { channels: 1 });
    expect(one.channels).toBe(1);
    expect(one.info.sourceChannels).toBe(1);
    expect(one.data.length).toBe(8);
    expect(one.data[3]).toBeCloseTo((180 / 255) * 2 - 1, 6);
    const three = await readImage(p, { channels: 3 });
    expect(three.data.length).toBe(24);
    expect(Array.from(three.data.subarray(9, 12))).toEqual(Array(3).fill(one.data[3]));
  });

  it('turns colour into PIL luminance when 1 channel is requested', async () => {
    const p = await writeTestImage(join(dir, 'colour.png'), 1, 1, () => [200, 100, 50]);
    const img = await readImage(p, { channels: 1 });
    const L = Math.round((200 * 299 + 100 * 587 + 50 * 114) / 1000); // 124
    expect(img.data[0]).toBeCloseTo((L / 255) * 2 - 1, 6);
  });

  it('composites RGBA on white and reports the alpha', async () => {
    const p = await writeTestImage(join(dir, 'rgba.png'), 3, 1, (x) => [0, 0, 0, [0, 255, 128][x]!], { channels: 4 });
    const img = await readImage(p, { channels: 3 });
    expect(img.info.hadAlpha).toBe(true);
    expect(img.info.sourceChannels).toBe(4);
    expect(Array.from(img.data.subarray(0, 3))).toEqual([1, 1, 1]); // transparent → white
    expect(Array.from(img.data.subarray(3, 6))).toEqual([-1, -1, -1]); // opaque black stays black
    const half = (Math.round((255 * 127) / 255) / 255) * 2 - 1; // 128/255 black over white
    expect(img.data[6]).toBeCloseTo(half, 6);
  });

  it('composites gray+alpha on white', async () => {
    const p = await writeTestImage(join(dir, 'ga.png'), 2, 1, (x) => [0, x === 0 ? 0 : 255], { channels: 2 });
    const img = await readImage(p, { channels: 1 });
    expect(img.info.hadAlpha).toBe(true);
    expect(Array.from(img.data)).toEqual([1, -1]);
  });

  it('reads 16-bit PNGs at full precision and reports 16 bits', async () => {
    const values = [0, 1000, 32768, 65535];
    const p = await write16BitPng(join(dir, 'deep.png'), 4, 1, (x) => [values[x]!, 65535 - values[x]!, 7]);
    const img = await readImage(p, { channels: 3 });
    expect(img.info.bitDepth).toBe(16);
    for (let x = 0; x < 4; x++) {
      expect(img.data[x * 3]).toBeCloseTo((values[x]! / 65535) * 2 - 1, 6);
      expect(img.data[x * 3 + 1]).toBeCloseTo(((65535 - values[x]!) / 65535) * 2 - 1, 6);
    }
    // 1000/65535 is not a multiple of 1/255: an 8-bit path would have lost it.
    expect(Math.abs(img.data[3]! - ((4 / 255) * 2 - 1))).toBeGreaterThan(1e-4);
    const gray = await write16BitPng(join(dir, 'deep-gray.png'), 4, 1, (x) => [values[x]!], 1);
    const g = await readImage(gray, { channels: 1 });
    expect(g.info).toMatchObject({ bitDepth: 16, sourceChannels: 1 });
    expect(g.data[1]).toBeCloseTo((1000 / 65535) * 2 - 1, 6);
  });

  it('applies EXIF orientation: dimensions swap and pixels are upright', async () => {
    // Stored 8×4 with the left half red, right half blue; orientation 6 = rotate 90° clockwise to view.
    const p = await writeTestImage(join(dir, 'rotated.jpg'), 8, 4, (x) => (x < 4 ? [255, 0, 0] : [0, 0, 255]), {
      format: 'jpeg',
      orientation: 6,
    });
    const img = await readImage(p, { channels: 3 });
    expect(img.info.exifOrientation).toBe(6);
    expect([img.width, img.height]).toEqual([4, 8]);
    // After a clockwise turn the stored left half (red) is on top.
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3));
    expect(px(1, 1)[0]).toBeGreaterThan(0.8);
    expect(px(1, 1)[2]).toBeLessThan(-0.8);
    expect(px(1, 6)[2]).toBeGreaterThan(0.8);
    expect(px(1, 6)[0]).toBeLessThan(-0.8);
  });

  it('reads WebP, TIFF and GIF', async () => {
    for (const format of ['webp', 'tiff', 'gif'] as const) {
      const p = await writeTestImage(join(dir, `x.${format}`), 6, 5, () => [255, 255, 255], { format });
      const img = await readImage(p, { channels: 3 });
      expect([img.width, img.height, img.info.format]).toEqual([6, 5, format]);
    }
  });
});

describe('readImage errors', () => {
  it('a truncated JPEG', async () => {
    const err = await readError(await writeTruncatedJpeg(join(dir, 'cut.jpg')));
    expect(err.reason).toBe('truncated');
    expect(err.path).toBe(join(dir, 'cut.jpg'));
    expect(err.message).toMatch(/cut\.jpg: the file is damaged or cut short/);
    expect(err.message).not.toContain('\n');
  });

  it('a text file named .png', async () => {
    const err = await readError(await writeTextFile(join(dir, 'notes.png')));
    expect(err.reason).toBe('not-an-image');
    expect(err.message).toMatch(/contains text, not an image; remove it/);
  });

  it('an empty file', async () => {
    await writeFile(join(dir, 'empty.png'), Buffer.alloc(0));
    const err = await readError(join(dir, 'empty.png'));
    expect(err.reason).toBe('truncated');
    expect(err.message).toMatch(/empty \(0 bytes\)/);
  });

  it('a BMP (not decodable by this sharp build) is unsupported, not "not an image"', async () => {
    await writeFile(join(dir, 'old.bmp'), Buffer.concat([Buffer.from('BM'), Buffer.alloc(60, 1)]));
    const err = await readError(join(dir, 'old.bmp'));
    expect(err.reason).toBe('unsupported');
    expect(err.message).toMatch(/BMP images cannot be read; convert it to PNG/);
  });

  it('a missing file', async () => {
    const err = await readError(join(dir, 'gone.png'));
    expect(err.reason).toBe('unreadable');
    expect(err.message).toMatch(/no longer exists/);
  });
});

describe('classifyDecodeError', () => {
  it('calls a real image whose decode error message was lost ("Unknown error") damaged, and other files unreadable', () => {
    // Concurrent libvips operations can clear each other's error buffer; the file itself still tells.
    const jpegStart = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]);
    expect(classifyDecodeError('cut.jpg', jpegStart, new Error('Unknown error')).reason).toBe('truncated');
    expect(classifyDecodeError('odd.bin', Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), new Error('Unknown error')).reason).toBe('unreadable');
  });
});

describe('writeImage', () => {
  it('round-trips, rounds to the nearest level, and creates folders', async () => {
    const data = new Float32Array([-1, 0, 1, 0.5, -0.5, 2]);
    const p = join(dir, 'out', 'deep', 'x.png');
    await writeImage(p, { data, width: 2, height: 1, channels: 3 }, 'png');
    const { data: px, info } = await sharp(await readFile(p))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(2);
    // (0+1)/2*255 = 127.5 → 128 (the reference truncates to 127); 2 clamps to 255.
    expect(Array.from(px)).toEqual([0, 128, 255, 191, 64, 255]);
    expect((await readdir(join(dir, 'out', 'deep'))).sort()).toEqual(['x.png']); // no temp file left
  });

  it('writes gray JPEG and WebP', async () => {
    const data = new Float32Array(16).fill(0);
    await writeImage(join(dir, 'g.jpg'), { data, width: 4, height: 4, channels: 1 }, 'jpeg', { quality: 90 });
    await writeImage(join(dir, 'g.webp'), { data, width: 4, height: 4, channels: 1 }, 'webp');
    const j = await readImage(join(dir, 'g.jpg'), { channels: 1 });
    expect(j.info.format).toBe('jpeg');
    expect(Math.abs(j.data[0]!)).toBeLessThan(0.02);
    expect((await readImage(join(dir, 'g.webp'), { channels: 3 })).width).toBe(4);
  });

  it('formatFromPath', () => {
    expect(formatFromPath('a/b.PNG')).toBe('png');
    expect(formatFromPath('x.jpeg')).toBe('jpeg');
    expect(formatFromPath('x.JPG')).toBe('jpeg');
    expect(formatFromPath('x.webp')).toBe('webp');
    expect(() => formatFromPath('x.tiff')).toThrow(/writes \.png, \.jpg or \.webp images, not \.tiff/);
  });

  it('noise helper makes varied pixels (sanity for truncation tests)', () => {
    expect(new Set([0, 1, 2, 3].map((x) => noise(x, 0)[0])).size).toBe(4);
  });
});
