import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { tf } from '../tf.js';

/**
 * Lays out rows of images (each row one sample, each column one visual: input, output, target…)
 * into one PNG, with a small gap so columns read as separate pictures. Images are NHWC, batch 1,
 * values in [-1, 1]; 1-channel images are shown as gray.
 */
export async function writeSampleGrid(file: string, rows: tf.Tensor4D[][], gap = 4): Promise<void> {
  const first = rows[0]?.[0];
  if (!first) throw new Error('a sample grid needs at least one image');
  const [, h, w] = first.shape;
  const cols = Math.max(...rows.map((r) => r.length));
  const width = cols * w + (cols - 1) * gap;
  const height = rows.length * h + (rows.length - 1) * gap;
  const canvas = Buffer.alloc(width * height * 3, 24); // dark neutral gap colour
  for (const [r, row] of rows.entries()) {
    for (const [c, image] of row.entries()) {
      const pixels = tf.tidy(() => {
        const rgb = image.shape[3] === 1 ? tf.tile(image, [1, 1, 1, 3]) : image;
        return tf.cast(tf.clipByValue(tf.round(tf.mul(tf.add(rgb, 1), 127.5)), 0, 255), 'int32');
      });
      const data = await pixels.data().finally(() => pixels.dispose());
      const [, ih, iw] = image.shape;
      for (let y = 0; y < Math.min(ih, h); y++) {
        const rowStart = ((r * (h + gap) + y) * width + c * (w + gap)) * 3;
        for (let x = 0; x < Math.min(iw, w) * 3; x++) canvas[rowStart + x] = data[y * iw * 3 + x]!;
      }
    }
  }
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await sharp(canvas, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(tmp);
  await rename(tmp, file);
}
