import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { WriteFormat } from '../../data/image-write.js';
import { PublishConflictError } from '../../data/publish.js';
import {
  headerSize,
  keepsAlpha,
  readForTranslation,
  resizedSize,
  writeTranslation,
  type TranslationInput,
} from '../../data/translation-input.js';
import { isImagePath, scanImageFolderStrict } from '../../data/scan.js';
import { checkPlanOptions, planImage, type ImagePlan, type TranslationPath } from './image-plan.js';
import type { ImageTranslator } from './image-translator.js';
import { availableBytes, imageBudget } from './memory-estimate.js';
import { MemoryGate } from './memory-gate.js';
import { translateImage, type TilingReport } from './translate-image.js';

export interface TranslateFolderOptions {
  input: string;
  output: string;
  /** Output format; default: each file's own when writable (PNG/JPEG/WebP), else PNG. */
  format?: WriteFormat;
  /** Tile side; 0 = automatic (whole images whenever they fit in memory, exact tiles otherwise). */
  tile?: number;
  /** Overlap of approximate tiles (`stats: 'overview'`). */
  overlap?: number;
  /** Instance-norm statistics of tiled images: 'exact' (whole image) or 'overview' (approximate). */
  stats?: 'exact' | 'overview';
  /** Scale images down so their longer side is at most this (outputs then have that size). */
  resize?: number;
  /** Translate again even where the output exists (default: skip, so an interrupted run resumes). */
  overwrite?: boolean;
  /** Memory for one image (default: what the engine and the machine have now). */
  budgetBytes?: number;
  /** Stop taking new images; those in progress finish. */
  signal?: AbortSignal;
  /** Stop now: images in progress are abandoned (nothing half-written is left). */
  stopNow?: AbortSignal;
  onProgress?: (p: TranslateProgress) => void;
  /** An image starts, with how it will be translated. */
  onStart?: (file: string, plan: ImagePlan) => void;
}

export interface TranslateProgress {
  /** Images finished (translated, skipped or failed). */
  done: number;
  total: number;
  /** Pixels of this run's images translated so far, the image in progress counted by its share. */
  pixelsDone: number;
  pixelsTotal: number;
  file: string;
  /** 'working': an image moved on (tiles or stages done) without finishing. */
  status: 'translated' | 'skipped-existing' | 'failed' | 'working';
  reason?: string;
  /** For translated images: how, and anything the user should know (alpha dropped by JPEG). */
  path?: TranslationPath;
  note?: string;
  tiling?: TilingReport;
}

export interface TranslateSummary {
  total: number;
  translated: number;
  skippedExisting: number;
  failed: Array<{ file: string; reason: string }>;
  /** Images by how they were translated. */
  paths: Record<TranslationPath, number>;
  /** Pixels translated (after any resize) and the seconds spent. */
  pixels: number;
  seconds: number;
  notes: Array<{ file: string; note: string }>;
  stopped: boolean;
}

const WRITABLE: Record<string, WriteFormat> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.webp': 'webp' };
const EXTENSION: Record<WriteFormat, string> = { png: '.png', jpeg: '.jpg', webp: '.webp' };

/** Where a source image's translation goes: same relative path, extension by output format. */
export function outputPathFor(
  source: string,
  inputRoot: string,
  outputRoot: string,
  format?: WriteFormat,
): { file: string; format: WriteFormat } {
  const rel = path.relative(inputRoot, source);
  const ext = path.extname(rel);
  const fmt = format ?? WRITABLE[ext.toLowerCase()] ?? 'png';
  const keepName = format === undefined && WRITABLE[ext.toLowerCase()] !== undefined;
  const file = path.join(outputRoot, keepName ? rel : rel.slice(0, rel.length - ext.length) + EXTENSION[fmt]);
  return { file, format: fmt };
}

async function listInputs(input: string): Promise<{ root: string; files: string[]; single: boolean }> {
  const s = await stat(input).catch(() => null);
  if (!s) throw new Error(`--input ${input} does not exist`);
  if (s.isFile()) {
    if (!isImagePath(input)) throw new Error(`--input ${input} is not an image file (.png, .jpg, .webp, .tif, .gif, .bmp)`);
    return { root: path.dirname(path.resolve(input)), files: [path.resolve(input)], single: true };
  }
  const scan = await scanImageFolderStrict(input, '--input folder');
  return { root: scan.dir, files: scan.images, single: false };
}

function checkOutput(
  opts: TranslateFolderOptions,
  inputRoot: string,
  single: boolean,
  targets: ReadonlyArray<{ file: string; target: { file: string } }>,
): void {
  const out = path.resolve(opts.output);
  // Outputs inside an input folder would be picked up again as inputs on the next run; a single
  // input file has no folder to pollute, only itself to protect.
  if (!single && (out === inputRoot || out.startsWith(inputRoot + path.sep))) {
    throw new Error(`--output ${opts.output} lies inside --input ${opts.input}; choose a folder outside it`);
  }
  const clash = targets.find(({ file, target }) => path.resolve(target.file) === path.resolve(file));
  if (clash) throw new Error(`the translation of ${clash.file} would overwrite it; choose another --output`);
}

/**
 * Translates every image under `input` (recursively) into `output`, keeping names and subfolders,
 * skipping outputs that exist; a bad file is reported and the rest go on. Each image is translated
 * whole when it fits in memory, else in exact tiles (see image-plan.ts). Several images translate
 * at once when the translator can (onnxruntime's workers) and their memory allows.
 */
export async function translateFolder(t: ImageTranslator, opts: TranslateFolderOptions): Promise<TranslateSummary> {
  const planOpts = { tile: opts.tile ?? 0, stats: opts.stats ?? 'exact' } as const;
  checkPlanOptions(t.arch, planOpts);
  const { root, files, single } = await listInputs(opts.input);
  const inputRoot = path.resolve(root);
  const targets = files.map((file) => ({ file, target: outputPathFor(file, inputRoot, opts.output, opts.format) }));
  checkOutput(opts, inputRoot, single, targets);
  const started = performance.now();
  const summary: TranslateSummary = {
    total: files.length,
    translated: 0,
    skippedExisting: 0,
    failed: [],
    paths: { whole: 0, 'exact-tiles': 0, 'overview-tiles': 0 },
    pixels: 0,
    seconds: 0,
    notes: [],
    stopped: false,
  };
  const todo = targets.filter(({ target }) => opts.overwrite || !existsSync(target.file));
  // Sizes from headers only: the ETA counts pixels, and a 50 MP photo is not one unit among many.
  const sizes = await Promise.all(todo.map(async ({ file }) => headerSize(file)));
  const pixelsOf = sizes
    .map((s) => (s ? resizedSize(s.width, s.height, opts.resize) : { width: 0, height: 0 }))
    .map((s) => s.width * s.height);
  const pixelsTotal = pixelsOf.reduce((a, b) => a + b, 0);
  let pixelsFinished = 0;
  const partial = new Map<number, number>();
  let done = 0;
  const report = (file: string, status: TranslateProgress['status'], extra: Partial<TranslateProgress> = {}) => {
    if (status !== 'working') done++;
    const pixelsDone = pixelsFinished + [...partial.values()].reduce((a, b) => a + b, 0);
    opts.onProgress?.({ done, total: files.length, pixelsDone, pixelsTotal, file, status, ...extra });
  };
  const pending = new Set(todo.map((x) => x.file));
  for (const { file } of targets) {
    if (!pending.has(file)) {
      summary.skippedExisting++;
      report(file, 'skipped-existing');
    }
  }
  const budget = opts.budgetBytes ?? imageBudget(t.memory, availableBytes());
  const gate = new MemoryGate(budget);
  const finish = (i: number) => {
    partial.delete(i);
    pixelsFinished += pixelsOf[i]!;
  };
  const fail = (i: number, e: unknown) => {
    const reason = e instanceof Error ? e.message : String(e);
    finish(i);
    summary.failed.push({ file: todo[i]!.file, reason });
    report(todo[i]!.file, 'failed', { reason });
  };
  const stopNow = new Promise<'stop'>((resolve) => {
    if (opts.stopNow?.aborted) resolve('stop');
    opts.stopNow?.addEventListener('abort', () => resolve('stop'), { once: true });
  });
  const reads = new Map<number, Promise<TranslationInput | Error>>();
  const decoded = (i: number): Promise<TranslationInput | Error> => {
    let p = reads.get(i);
    if (!p) {
      p = readForTranslation(todo[i]!.file, t.arch.inputNc === 1 ? 1 : 3, opts.resize).catch((e: unknown) =>
        e instanceof Error ? e : new Error(String(e)),
      );
      reads.set(i, p);
    }
    return p;
  };
  const stopped = () => opts.signal?.aborted === true || opts.stopNow?.aborted === true;

  let next = 0;
  const lane = async (): Promise<void> => {
    let pendingWrite: Promise<void> = Promise.resolve();
    while (next < todo.length && !stopped()) {
      const i = next++;
      const { file, target } = todo[i]!;
      const image = await decoded(i);
      reads.delete(i);
      // The next image decodes (on libuv's threads) while this one translates.
      if (next < todo.length) void decoded(next);
      if (image instanceof Error) {
        fail(i, image);
        continue;
      }
      let plan: ImagePlan;
      try {
        plan = planImage(t.arch, image.width, image.height, t.memory, budget, planOpts);
      } catch (e) {
        fail(i, e);
        continue;
      }
      // A whole image holds its estimate; a tiled one the whole budget (its maps and its tiles).
      const release = await gate.acquire(plan.path === 'whole' ? plan.wholeBytes : budget);
      opts.onStart?.(file, plan);
      const pixels = image.width * image.height;
      const work = translateImage(t, { data: image.data, width: image.width, height: image.height, channels: image.channels }, plan, {
        tile: planOpts.tile,
        ...(opts.overlap !== undefined ? { overlap: opts.overlap } : {}),
        budgetBytes: budget,
        ...(opts.stopNow ? { signal: opts.stopNow } : {}),
        onProgress: (f) => {
          partial.set(i, f * pixels);
          report(file, 'working', { path: plan.path });
        },
      });
      work.catch(() => undefined);
      let result: Awaited<typeof work> | 'stop';
      try {
        result = await Promise.race([work, stopNow]);
      } catch (e) {
        release();
        fail(i, e);
        continue;
      }
      // Stopped now: the image is abandoned; its temporary maps go when its tile loop sees the stop.
      if (result === 'stop') {
        void work.finally(release);
        partial.delete(i);
        break;
      }
      release();
      const { data, tiling } = result;
      const note =
        image.alpha && !keepsAlpha(target.format) ? 'transparency dropped: JPEG has none (use --format png or webp to keep it)' : undefined;
      await pendingWrite;
      const keepExisting = !opts.overwrite;
      pendingWrite = writeTranslation(
        target.file,
        data,
        image.width,
        image.height,
        t.arch.outputNc === 1 ? 1 : 3,
        image.alpha,
        target.format,
        keepExisting,
      ).then(
        () => {
          finish(i);
          summary.translated++;
          summary.paths[plan.path]++;
          summary.pixels += pixels;
          if (note) summary.notes.push({ file, note });
          report(file, 'translated', { path: plan.path, ...(note ? { note } : {}), ...(tiling ? { tiling } : {}) });
        },
        (e: unknown) => {
          if (!((e as Error)?.cause instanceof PublishConflictError)) return fail(i, e);
          // The output appeared while this image was translated: it is kept, as at the start.
          finish(i);
          summary.skippedExisting++;
          report(file, 'skipped-existing');
        },
      );
    }
    await pendingWrite;
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(t.concurrency, todo.length)) }, lane));
  summary.stopped = stopped() && summary.translated + summary.failed.length < todo.length;
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
