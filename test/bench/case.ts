// Runs one benchmark case in its own process (so peak memory is per case) and prints one JSON line.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { writeDemoDatasets } from '../../main/data/demo.js';
import { detectLayout } from '../../main/data/layout.js';
import { DatasetLoader } from '../../main/data/loader.js';
import { initBackend } from '../../main/gan/backend/index.js';
import { defineG, type GeneratorArch } from '../../main/gan/networks/define.js';
import { createModel } from '../../main/gan/models/create-model.js';
import { assertFits } from '../../main/gan/models/memory-plan.js';
import { resolveOptions } from '../../main/gan/models/options.js';
import { saveGeneratorFile } from '../../main/gan/models/generator-file.js';
import { translateBatch } from '../../main/gan/models/inference.js';
import { tf } from '../../main/gan/tf.js';
import { openImageTranslator } from '../../main/gan/translate/image-translator.js';
import { translateFolder } from '../../main/gan/translate/translate-folder.js';
import { Rng } from '../../main/gan/util/rng.js';
import { REFERENCE_DIR } from '../helpers/reference-fixtures.js';
import { findCase, type DataCase, type ExportCase, type PhotoCase } from './cases.js';

const name = process.argv[2] ?? '';
const warmup = Number(process.env.BENCH_WARMUP ?? 1);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeExport(c: ExportCase, scratch: string): Promise<{ seconds: number; engine: string }> {
  const demo = await writeDemoDatasets(path.join(scratch, 'demo'), { trainCount: c.images + 1, testCount: 1, size: 256 });
  const arch: GeneratorArch = { netG: c.netG, inputNc: 3, outputNc: 3, ngf: 64, norm: c.norm, useDropout: false };
  const g = defineG('G', arch, { type: 'normal', gain: 0.02, rng: new Rng(1) });
  const model = path.join(scratch, 'g.tandem');
  await saveGeneratorFile(model, g, arch);
  g.dispose();
  const t = await openImageTranslator(model, { cacheDir: scratch });
  try {
    // Warm up on one image, then time the folder (trainA: 256×256 PNGs).
    await translateFolder(t, { input: path.join(demo.unpaired, 'testA'), output: path.join(scratch, 'warm') });
    const started = performance.now();
    const r = await translateFolder(t, { input: path.join(demo.unpaired, 'trainA'), output: path.join(scratch, 'out') });
    return { seconds: (performance.now() - started) / 1000 / r.translated, engine: t.engine };
  } finally {
    await t.dispose();
  }
}

/** A photo-like JPEG of the case's size: the reference fixture's photo scaled up, with grain. */
async function photoJpeg(c: PhotoCase, file: string): Promise<void> {
  const source = path.join(REFERENCE_DIR, 'photo', 'resnet6_ngf8_instance_photo.in.png');
  const { data, info } = await sharp(source).resize(c.width, c.height, { kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
  const rng = new Rng(9);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i]! + Math.round((rng.uniform() - 0.5) * 12)));
  await mkdir(path.dirname(file), { recursive: true });
  await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toFile(file);
}

async function timePhoto(c: PhotoCase, scratch: string): Promise<{ seconds: number; engine: string; path: string }> {
  await photoJpeg(c, path.join(scratch, 'photo', 'photo.jpg'));
  const arch: GeneratorArch = { netG: 'resnet_9blocks', inputNc: 3, outputNc: 3, ngf: 64, norm: 'instance', useDropout: false };
  const g = defineG('G', arch, { type: 'normal', gain: 0.02, rng: new Rng(1) });
  const model = path.join(scratch, 'g.tandem');
  await saveGeneratorFile(model, g, arch);
  g.dispose();
  const t = await openImageTranslator(model, { cacheDir: scratch });
  let how = '';
  try {
    const started = performance.now();
    await translateFolder(t, {
      input: path.join(scratch, 'photo'),
      output: path.join(scratch, 'out'),
      ...(c.tile ? { tile: c.tile } : {}),
      onStart: (_file, plan) => (how = plan.reason),
    });
    return { seconds: (performance.now() - started) / 1000, engine: t.engine, path: how };
  } finally {
    await t.dispose();
  }
}

async function dataShare(c: DataCase, scratch: string): Promise<{ seconds: number; share: number }> {
  const demo = await writeDemoDatasets(path.join(scratch, 'demo'), { trainCount: c.iterations + 2, testCount: 1, size: 256 });
  const model = createModel({ model: 'pix2pix' });
  const loader = new DatasetLoader(await detectLayout({ dataroot: demo.paired, phase: 'train', model: 'pix2pix' }), {
    batch_size: 1,
    preprocess: { preprocess: 'resize_and_crop', load_size: 286, crop_size: 256, no_flip: false, input_nc: 3, output_nc: 3 },
    direction: 'AtoB',
    seed: 1,
  });
  let n = 0;
  let started = 0;
  for await (const batch of loader.epoch(1)) {
    model.setInput(batch);
    tf.dispose([batch.A, batch.B]);
    await model.optimizeParameters();
    // The first batch is a cold start (nothing could be prefetched yet): measure from the second on.
    if (++n === 1) {
      loader.resetLoadStats();
      started = performance.now();
    }
    if (n > c.iterations) break;
  }
  const total = (performance.now() - started) / 1000;
  model.dispose();
  return { seconds: total / c.iterations, share: loader.loadStats().waitSecondsTotal / total };
}

async function main(): Promise<void> {
  const c = findCase(name);
  if (!c) throw new Error(`unknown bench case '${name}'`);
  const backend = await initBackend();
  let peakBytes = 0;
  let peakGpuBytes = 0;
  const sample = () => {
    peakBytes = Math.max(peakBytes, tf.memory().numBytes);
    // webgpu: all the device memory its buffer pool holds, free buffers included.
    peakGpuBytes = Math.max(peakGpuBytes, (tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU ?? 0);
  };
  const times: number[] = [];
  const extra: Record<string, unknown> = {};
  const scratch = await mkdtemp(path.join(tmpdir(), 'tandem-bench-'));
  try {
    if (c.kind === 'train') {
      // A configuration that cannot fit is refused here (reported as cannot-run), never left to hang.
      const options = resolveOptions({ ...c.options, crop_size: c.size });
      const plan = assertFits(options, c.size, backend.name);
      extra.checkpointing = plan.checkpointing;
      extra.estimated_peak_mb = plan.estimatedPeakMB;
      const model = createModel(options);
      const batch = {
        A: tf.randomUniform([1, c.size, c.size, 3], -1, 1, 'float32', 1) as tf.Tensor4D,
        B: tf.randomUniform([1, c.size, c.size, 3], -1, 1, 'float32', 2) as tf.Tensor4D,
      };
      model.setInput(batch);
      const cpuTimes: number[] = [];
      for (let i = 0; i < warmup + repeats; i++) {
        const t = performance.now();
        const cpu = process.cpuUsage();
        await model.optimizeParameters();
        if (i >= warmup) {
          times.push((performance.now() - t) / 1000);
          const used = process.cpuUsage(cpu);
          cpuTimes.push((used.user + used.system) / 1e6);
        }
        sample();
      }
      // CPU time of all threads: it moves much less than wall time when other work shares the machine.
      extra.cpu_seconds = median(cpuTimes);
    } else if (c.kind === 'infer') {
      const net = defineG('G', { netG: c.netG, inputNc: 3, outputNc: 3, ngf: 64, norm: c.norm, useDropout: false }, null);
      const x = tf.randomUniform([1, c.size, c.size, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
      for (let i = 0; i < warmup + repeats; i++) {
        const t = performance.now();
        const y = translateBatch(net, c.netG, x);
        await y.data();
        y.dispose();
        if (i >= warmup) times.push((performance.now() - t) / 1000);
        sample();
      }
    } else if (c.kind === 'export') {
      const r = await timeExport(c, scratch);
      times.push(r.seconds);
      extra.engine = r.engine;
    } else if (c.kind === 'photo') {
      // Minutes per run: measured once, decode and encode included, as an artist would wait for it.
      const r = await timePhoto(c, scratch);
      times.push(r.seconds);
      extra.engine = r.engine;
      extra.path = r.path;
    } else {
      const r = await dataShare(c, scratch);
      times.push(r.seconds);
      extra.data_loading_share = r.share;
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const seconds = median(times);
  console.log(
    JSON.stringify({
      case: name,
      status: 'ok',
      backend: backend.name,
      threads: backend.threads,
      adapter: backend.adapter ?? null,
      backend_line: backend.line,
      seconds,
      reference_seconds: c.reference,
      ratio_to_reference: c.kind === 'data' || c.reference === null ? null : seconds / c.reference,
      tensor_peak_mb: Math.round(peakBytes / 2 ** 20),
      gpu_allocated_peak_mb: peakGpuBytes ? Math.round(peakGpuBytes / 2 ** 20) : null,
      wasm_heap_mb: wasmHeapMB(),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      ...extra,
    }),
  );
}

/** The wasm heap only grows, so its size now is its peak: what the 4 GiB ceiling applies to. */
function wasmHeapMB(): number | null {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  const bytes = b.wasm?.HEAPU8?.buffer.byteLength;
  return bytes ? Math.round(bytes / 2 ** 20) : null;
}

main().catch((e: unknown) => {
  console.log(JSON.stringify({ case: name, status: 'cannot-run', reason: e instanceof Error ? e.message : String(e) }));
  process.exit(0);
});
