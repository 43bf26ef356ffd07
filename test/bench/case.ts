// Runs one benchmark case in its own process (so peak memory is per case) and prints one JSON line.
import { initBackend } from '../../main/gan/backend/index.js';
import { defineG } from '../../main/gan/networks/define.js';
import { createModel } from '../../main/gan/models/create-model.js';
import { translateBatch } from '../../main/gan/models/inference.js';
import { tf } from '../../main/gan/tf.js';
import { findCase } from './cases.js';

const name = process.argv[2] ?? '';
const warmup = Number(process.env.BENCH_WARMUP ?? 1);
const repeats = Number(process.env.BENCH_REPEATS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const c = findCase(name);
  if (!c) throw new Error(`unknown bench case '${name}'`);
  const backend = await initBackend();
  let peakBytes = 0;
  const sample = () => (peakBytes = Math.max(peakBytes, tf.memory().numBytes));
  const times: number[] = [];
  if (c.kind === 'train') {
    const model = createModel({ ...c.options, crop_size: c.size });
    const batch = {
      A: tf.randomUniform([1, c.size, c.size, 3], -1, 1, 'float32', 1) as tf.Tensor4D,
      B: tf.randomUniform([1, c.size, c.size, 3], -1, 1, 'float32', 2) as tf.Tensor4D,
    };
    model.setInput(batch);
    for (let i = 0; i < warmup + repeats; i++) {
      const t = performance.now();
      model.optimizeParameters();
      if (i >= warmup) times.push((performance.now() - t) / 1000);
      sample();
    }
  } else {
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
  }
  const seconds = median(times);
  console.log(
    JSON.stringify({
      case: name,
      status: 'ok',
      backend: backend.name,
      threads: backend.threads,
      seconds,
      reference_seconds: c.reference,
      ratio_to_reference: seconds / c.reference,
      tensor_peak_mb: Math.round(peakBytes / 2 ** 20),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

main().catch((e: unknown) => {
  console.log(JSON.stringify({ case: name, status: 'cannot-run', reason: e instanceof Error ? e.message : String(e) }));
  process.exit(0);
});
