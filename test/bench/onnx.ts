// `npx tsx test/bench/onnx.ts [--images N]`: seconds per 256×256 image (PNG decode + translate +
// PNG encode, via sharp) on onnxruntime-node vs the tfjs wasm path, for resnet_9blocks and unet_256
// at ngf 64. One JSON object on the last line.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { initBackend } from '../../main/gan/backend/index.js';
import { exportOnnx } from '../../main/gan/io/onnx-export.js';
import { createOnnxTranslator } from '../../main/gan/io/onnx-translator.js';
import { translateBatch } from '../../main/gan/models/inference.js';
import { defineG, type GeneratorArch } from '../../main/gan/networks/define.js';
import { tf } from '../../main/gan/tf.js';
import { Rng } from '../../main/gan/util/rng.js';

const SIZE = 256;
const imagesArg = process.argv.indexOf('--images');
const IMAGES = imagesArg >= 0 ? Number(process.argv[imagesArg + 1]) : 5;

async function samplePng(): Promise<Buffer> {
  const px = Buffer.alloc(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) px.set([x, y, (x * y) % 256], (y * SIZE + x) * 3);
  return sharp(px, { raw: { width: SIZE, height: SIZE, channels: 3 } })
    .png()
    .toBuffer();
}

async function decode(png: Buffer): Promise<Float32Array> {
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (v) => (v / 255) * 2 - 1);
}

async function encode(hwc: Float32Array): Promise<Buffer> {
  const px = Buffer.from(Uint8Array.from(hwc, (v) => Math.max(0, Math.min(255, Math.floor(((v + 1) / 2) * 255)))));
  return sharp(px, { raw: { width: SIZE, height: SIZE, channels: 3 } })
    .png()
    .toBuffer();
}

async function time(fn: () => Promise<void>): Promise<number> {
  await fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < IMAGES; i++) await fn();
  return (performance.now() - t0) / 1000 / IMAGES;
}

async function main(): Promise<void> {
  const backend = await initBackend('wasm');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-onnx-'));
  const png = await samplePng();
  const result: Record<string, unknown> = {
    image: `${SIZE}x${SIZE} png, decode+translate+encode`,
    images: IMAGES,
    tfjs_backend: backend.line,
  };
  const onnxS: Record<string, number> = {};
  const tfjsS: Record<string, number> = {};
  let provider = '';
  try {
    const archs: GeneratorArch[] = [
      { netG: 'resnet_9blocks', inputNc: 3, outputNc: 3, ngf: 64, norm: 'instance', useDropout: false },
      { netG: 'unet_256', inputNc: 3, outputNc: 3, ngf: 64, norm: 'batch', useDropout: true },
    ];
    for (const arch of archs) {
      const net = defineG('G', arch, { type: 'normal', gain: 0.02, rng: new Rng(1) });
      const file = path.join(dir, `${arch.netG}.onnx`);
      await exportOnnx(net, arch, file);
      const t = await createOnnxTranslator(file, { engine: 'onnxruntime' });
      provider = t.provider;
      onnxS[arch.netG] = await time(async () => {
        const [y] = await t.translate([await decode(png)], SIZE, SIZE);
        await encode(y!);
      });
      await t.dispose();
      tfjsS[arch.netG] = await time(async () => {
        const x = tf.tensor4d(await decode(png), [1, SIZE, SIZE, 3]);
        const y = translateBatch(net, arch.netG, x, { mode: 'eval' });
        const data = (await y.data()) as Float32Array;
        tf.dispose([x, y]);
        await encode(data);
      });
      net.dispose();
      console.error(`${arch.netG}: onnxruntime ${onnxS[arch.netG]!.toFixed(3)} s/image, tfjs ${tfjsS[arch.netG]!.toFixed(3)} s/image`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.onnxruntime_provider = provider;
  result.onnxruntime_s_per_image = onnxS;
  result.tfjs_s_per_image = tfjsS;
  result.speedup = Object.fromEntries(Object.keys(onnxS).map((k) => [k, Number((tfjsS[k]! / onnxS[k]!).toFixed(2))]));
  console.log(JSON.stringify(result));
}

await main();
