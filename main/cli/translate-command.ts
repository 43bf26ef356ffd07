import { Command, Option } from 'commander';
import { initBackend } from '../gan/backend/index.js';
import { formatDuration } from '../gan/training/eta.js';
import { openImageTranslator } from '../gan/translate/image-translator.js';
import { translateFolder } from '../gan/translate/translate-folder.js';
import { parseIntOption } from './argv.js';
import { ProgressLine } from './progress.js';
import { UserError } from './user-error.js';

export function translateCommand(): Command {
  return new Command('translate')
    .description('translate a file or a folder (recursively) with a trained or imported model')
    .requiredOption('--model <file>', 'a Tandem checkpoint (.tandem) or an imported generator')
    .requiredOption('--input <path>', 'an image, or a folder of images (subfolders included)')
    .requiredOption('--output <folder>', 'where the translated images go (names and subfolders kept)')
    .addOption(new Option('--direction <dir>', 'for CycleGAN models: AtoB uses G_A, BtoA uses G_B').choices(['AtoB', 'BtoA']).default('AtoB'))
    .addOption(new Option('--format <fmt>', 'output format (default: each file keeps its own)').choices(['png', 'jpeg', 'webp']))
    .option('--tile <px>', 'translate in tiles of this size (large images are tiled automatically)', parseIntOption('tile'), 0)
    .option('--overlap <px>', 'pixels shared by neighbouring tiles, blended (default: a quarter tile)', parseIntOption('overlap'))
    .option('--overwrite', 'translate again where the output exists (default: skip, so a stopped run resumes)', false)
    .addOption(
      new Option('--mode <mode>', "'eval' (deterministic) or 'reference-test' (the reference's test.py: batch statistics, dropout)")
        .choices(['eval', 'reference-test'])
        .default('eval'),
    )
    .addOption(
      new Option('--engine <engine>', 'auto: onnxruntime when it loads (faster), else tfjs').choices(['auto', 'onnx', 'tfjs']).default('auto'),
    )
    .option('--backend <name>', 'tfjs backend: auto, gpu, webgpu, node, wasm or cpu (default: auto, or TANDEM_BACKEND)')
    .action(async (o: TranslateFlags) => {
      const backend = await initBackend(o.backend);
      const t = await openImageTranslator(o.model, { direction: o.direction, engine: o.engine, mode: o.mode });
      console.error(`engine: ${t.engine}${t.engine.startsWith('tfjs') ? ` — ${backend.line}` : ''}`);
      console.error(`model: ${t.arch.netG}, ngf ${t.arch.ngf}, ${t.arch.norm} norm`);
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      const started = performance.now();
      const progress: { bar: ProgressLine | null } = { bar: null };
      try {
        const summary = await translateFolder(t, {
          input: o.input,
          output: o.output,
          ...(o.format ? { format: o.format } : {}),
          tile: o.tile,
          ...(o.overlap !== undefined ? { overlap: o.overlap } : {}),
          overwrite: o.overwrite,
          signal: abort.signal,
          onProgress: (p) => {
            const bar = (progress.bar ??= new ProgressLine('translate', p.total));
            const elapsed = (performance.now() - started) / 1000;
            const eta = (elapsed / p.done) * (p.total - p.done);
            bar.update(p.done, p.total, `ETA ${formatDuration(eta)}${p.status === 'failed' ? `  failed: ${p.file}` : ''}`);
          },
        });
        progress.bar?.stop();
        const parts = [`${summary.translated} translated`];
        if (summary.skippedExisting) parts.push(`${summary.skippedExisting} already there (skipped; --overwrite to redo)`);
        if (summary.failed.length) parts.push(`${summary.failed.length} failed`);
        console.error(`${parts.join(', ')} → ${o.output}${summary.stopped ? ' (stopped; run again to resume)' : ''}`);
        for (const f of summary.failed) console.error(`  ${f.file}: ${f.reason}`);
        if (summary.failed.length > 0 && summary.translated + summary.skippedExisting === 0) throw new UserError('no image could be translated');
        process.exitCode = summary.failed.length > 0 ? 1 : 0;
      } finally {
        process.off('SIGINT', onSigint);
        await t.dispose();
      }
    });
}

interface TranslateFlags {
  model: string;
  input: string;
  output: string;
  direction: 'AtoB' | 'BtoA';
  format?: 'png' | 'jpeg' | 'webp';
  tile: number;
  overlap?: number;
  overwrite: boolean;
  mode: 'eval' | 'reference-test';
  engine: 'auto' | 'onnx' | 'tfjs';
  backend?: string;
}
