import path from 'node:path';
import { Command, Option } from 'commander';
import { initBackend } from '../gan/backend/index.js';
import { formatDuration } from '../gan/training/eta.js';
import { openImageTranslator } from '../gan/translate/image-translator.js';
import type { TranslationPath } from '../gan/translate/image-plan.js';
import { translateFolder, type TranslateSummary } from '../gan/translate/translate-folder.js';
import { parseIntOption } from './argv.js';
import { ProgressLine } from './progress.js';
import { UserError } from './user-error.js';

export function translateCommand(): Command {
  return new Command('translate')
    .description('translate a file or a folder (recursively) with a trained or imported model')
    .requiredOption('--model <file>', 'a Tandem checkpoint (.tandem) or an imported generator')
    .requiredOption('--input <path>', 'an image, or a folder of images (subfolders included)')
    .requiredOption('--output <folder>', 'where the translated images go (names and subfolders kept)')
    .addOption(
      new Option('--direction <dir>', 'for CycleGAN models: AtoB uses G_A, BtoA uses G_B').choices(['AtoB', 'BtoA']).default('AtoB'),
    )
    .addOption(new Option('--format <fmt>', 'output format (default: each file keeps its own)').choices(['png', 'jpeg', 'webp']))
    .option(
      '--tile <px>',
      'translate in tiles of this size (default: whole images when they fit in memory, exact tiles otherwise)',
      parseIntOption('tile'),
      0,
    )
    .addOption(
      new Option(
        '--stats <how>',
        "instance-norm statistics of tiled images: 'exact' (the whole image's, stage by stage) or 'overview' (APPROXIMATE: from a ≤1 MP overview; faster)",
      )
        .choices(['exact', 'overview'])
        .default('exact'),
    )
    .option(
      '--overlap <px>',
      'pixels shared by neighbouring tiles with --stats overview, blended (default: a quarter tile)',
      parseIntOption('overlap'),
    )
    .option(
      '--resize <px>',
      'scale images down so the longer side is at most this many pixels (outputs have that size)',
      parseIntOption('resize'),
    )
    .option('--overwrite', 'translate again where the output exists (default: skip, so a stopped run resumes)', false)
    .addOption(
      new Option('--mode <mode>', "'eval' (deterministic) or 'reference-test' (the reference's test.py: batch statistics, dropout)")
        .choices(['eval', 'reference-test'])
        .default('eval'),
    )
    .addOption(
      new Option('--engine <engine>', 'auto: onnxruntime when it loads (faster), else tfjs')
        .choices(['auto', 'onnx', 'tfjs'])
        .default('auto'),
    )
    .option('--backend <name>', 'tfjs backend: auto, gpu, webgpu, node, wasm or cpu (default: auto, or TANDEM_BACKEND)')
    .action(async (o: TranslateFlags) => {
      if (o.resize !== undefined && o.resize < 1) throw new UserError('--resize must be at least 1 px');
      const backend = await initBackend(o.backend);
      const t = await openImageTranslator(o.model, { direction: o.direction, engine: o.engine, mode: o.mode });
      console.error(`engine: ${t.engine}${t.engine.startsWith('tfjs') ? ` — ${backend.line}` : ''}`);
      console.error(`model: ${t.arch.netG}, ngf ${t.arch.ngf}, ${t.arch.norm} norm`);
      if (o.stats === 'overview')
        console.error('tiles: --stats overview is approximate (statistics from a ≤1 MP overview, tiles cross-faded)');
      const stopSoon = new AbortController();
      const stopNow = new AbortController();
      const inProgress = new Set<string>();
      const progress: { bar: ProgressLine | null } = { bar: null };
      const onSigint = () => {
        if (!stopSoon.signal.aborted) {
          stopSoon.abort();
          progress.bar?.stop();
          console.error(`\nfinishing ${inProgress.size} image(s) in progress… Ctrl-C again to stop now`);
          return;
        }
        console.error('stopping now: the images in progress are left for the next run');
        stopNow.abort();
      };
      process.on('SIGINT', onSigint);
      const started = performance.now();
      try {
        const summary = await translateFolder(t, {
          input: o.input,
          output: o.output,
          ...(o.format ? { format: o.format } : {}),
          tile: o.tile,
          stats: o.stats,
          ...(o.overlap !== undefined ? { overlap: o.overlap } : {}),
          ...(o.resize !== undefined ? { resize: o.resize } : {}),
          overwrite: o.overwrite,
          signal: stopSoon.signal,
          stopNow: stopNow.signal,
          onStart: (file, plan) => {
            inProgress.add(file);
            if (plan.path !== 'whole') console.error(`${path.basename(file)}: ${plan.reason}`);
          },
          onProgress: (p) => {
            if (p.status !== 'working') inProgress.delete(p.file);
            if (stopSoon.signal.aborted) return;
            const bar = (progress.bar ??= new ProgressLine('translate', p.total));
            const elapsed = (performance.now() - started) / 1000;
            // Pixels, not images, measure the work: one 50 MP photo outweighs a hundred thumbnails.
            const eta = p.pixelsDone > 0 ? (elapsed / p.pixelsDone) * (p.pixelsTotal - p.pixelsDone) : NaN;
            const now =
              p.status === 'working' ? `  ${path.basename(p.file)} ${Math.round((100 * p.pixelsDone) / Math.max(1, p.pixelsTotal))}%` : '';
            bar.update(
              p.done,
              p.total,
              `ETA ${Number.isFinite(eta) ? formatDuration(eta) : '…'}${now}${p.status === 'failed' ? `  failed: ${p.file}` : ''}`,
            );
          },
        });
        progress.bar?.stop();
        printSummary(summary, o.output);
        if (summary.failed.length > 0 && summary.translated + summary.skippedExisting === 0)
          throw new UserError('no image could be translated');
        process.exitCode = summary.failed.length > 0 ? 1 : 0;
      } finally {
        process.off('SIGINT', onSigint);
        await t.dispose();
      }
    });
}

const PATH_WORDS: Record<TranslationPath, string> = {
  whole: 'whole',
  'exact-tiles': 'in exact tiles',
  'overview-tiles': 'in approximate tiles',
};

function printSummary(summary: TranslateSummary, output: string): void {
  const parts = [`${summary.translated} translated`];
  if (summary.skippedExisting) parts.push(`${summary.skippedExisting} already there (skipped; --overwrite to redo)`);
  if (summary.failed.length) parts.push(`${summary.failed.length} failed`);
  console.error(`${parts.join(', ')} → ${output}${summary.stopped ? ' (stopped; run again to resume)' : ''}`);
  if (summary.pixels > 0) {
    const mp = summary.pixels / 1e6;
    const how = (Object.entries(summary.paths) as Array<[TranslationPath, number]>)
      .filter(([, n]) => n > 0)
      .map(([p, n]) => `${n} ${PATH_WORDS[p]}`);
    console.error(
      `${mp.toFixed(1)} MP in ${formatDuration(summary.seconds)}: ${(summary.seconds / mp).toFixed(2)} s per megapixel (${how.join(', ')})`,
    );
  }
  for (const n of summary.notes) console.error(`  ${n.file}: ${n.note}`);
  for (const f of summary.failed) console.error(`  ${f.file}: ${f.reason}`);
}

interface TranslateFlags {
  model: string;
  input: string;
  output: string;
  direction: 'AtoB' | 'BtoA';
  format?: 'png' | 'jpeg' | 'webp';
  tile: number;
  stats: 'exact' | 'overview';
  overlap?: number;
  resize?: number;
  overwrite: boolean;
  mode: 'eval' | 'reference-test';
  engine: 'auto' | 'onnx' | 'tfjs';
  backend?: string;
}
