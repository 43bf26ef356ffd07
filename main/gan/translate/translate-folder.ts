import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { readImage, writeImage, type WriteFormat } from '../../data/image-io.js';
import { PublishConflictError } from '../../data/publish.js';
import { isImagePath, scanImageFolderStrict } from '../../data/scan.js';
import { translateInTiles } from '../models/tiled-inference.js';
import type { ImageTranslator } from './image-translator.js';

export interface TranslateFolderOptions {
  input: string;
  output: string;
  /** Output format; default: each file's own when writable (PNG/JPEG/WebP), else PNG. */
  format?: WriteFormat;
  /** Tile side for large images; 0 = automatic (tiles only above `maxWholePixels`). */
  tile?: number;
  overlap?: number;
  /** Images larger than this run in tiles, since a whole pass would exhaust memory. */
  maxWholePixels?: number;
  /** Translate again even where the output exists (default: skip, so an interrupted run resumes). */
  overwrite?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: TranslateProgress) => void;
}

export interface TranslateProgress {
  done: number;
  total: number;
  file: string;
  status: 'translated' | 'skipped-existing' | 'failed';
  reason?: string;
}

export interface TranslateSummary {
  total: number;
  translated: number;
  skippedExisting: number;
  failed: Array<{ file: string; reason: string }>;
  stopped: boolean;
}

const WRITABLE: Record<string, WriteFormat> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.webp': 'webp' };
const EXTENSION: Record<WriteFormat, string> = { png: '.png', jpeg: '.jpg', webp: '.webp' };

/** Where a source image's translation goes: same relative path, extension by output format. */
export function outputPathFor(source: string, inputRoot: string, outputRoot: string, format?: WriteFormat): { file: string; format: WriteFormat } {
  const rel = path.relative(inputRoot, source);
  const ext = path.extname(rel);
  const fmt = format ?? WRITABLE[ext.toLowerCase()] ?? 'png';
  const keepName = format === undefined && WRITABLE[ext.toLowerCase()] !== undefined;
  const file = path.join(outputRoot, keepName ? rel : rel.slice(0, rel.length - ext.length) + EXTENSION[fmt]);
  return { file, format: fmt };
}

async function listInputs(input: string): Promise<{ root: string; files: string[] }> {
  const s = await stat(input).catch(() => null);
  if (!s) throw new Error(`--input ${input} does not exist`);
  if (s.isFile()) {
    if (!isImagePath(input)) throw new Error(`--input ${input} is not an image file (.png, .jpg, .webp, .tif, .gif, .bmp)`);
    return { root: path.dirname(input), files: [input] };
  }
  const scan = await scanImageFolderStrict(input, '--input folder');
  return { root: scan.dir, files: scan.images };
}

type Decoded = Awaited<ReturnType<typeof readImage>>;

/**
 * Translates every image under `input` (recursively) into `output`, keeping names and subfolders,
 * any size (whole, or tiled when large), skipping outputs that exist; a bad file is reported and
 * the rest go on. No cap on the number of images. As many images translate at once as the
 * translator can run (onnxruntime's workers), the next one decoding and finished ones encoding
 * meanwhile, so progress may report them slightly out of order.
 */
export async function translateFolder(t: ImageTranslator, opts: TranslateFolderOptions): Promise<TranslateSummary> {
  const { root, files } = await listInputs(opts.input);
  const inputRoot = path.resolve(root);
  if (path.resolve(opts.output).startsWith(inputRoot + path.sep) || path.resolve(opts.output) === inputRoot) {
    // Outputs inside the input folder would be picked up again as inputs on the next run.
    throw new Error(`--output ${opts.output} lies inside --input ${opts.input}; choose a folder outside it`);
  }
  const summary: TranslateSummary = { total: files.length, translated: 0, skippedExisting: 0, failed: [], stopped: false };
  const maxWhole = opts.maxWholePixels ?? 1024 * 1024;
  const { inputNc, outputNc } = t.arch;
  const targets = files.map((file) => ({ file, target: outputPathFor(file, inputRoot, opts.output, opts.format) }));
  const todo = targets.filter(({ target }) => opts.overwrite || !existsSync(target.file));
  let done = 0;
  const report = (file: string, status: TranslateProgress['status'], reason?: string) =>
    opts.onProgress?.({ done: ++done, total: files.length, file, status, ...(reason ? { reason } : {}) });
  const pending = new Set(todo.map((x) => x.file));
  for (const { file } of targets) {
    if (!pending.has(file)) {
      summary.skippedExisting++;
      report(file, 'skipped-existing');
    }
  }
  const read = (i: number): Promise<Decoded | Error> =>
    readImage(todo[i]!.file, { channels: inputNc === 1 ? 1 : 3 }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  const reads = new Map<number, Promise<Decoded | Error>>();
  const decoded = (i: number): Promise<Decoded | Error> => {
    let p = reads.get(i);
    if (!p) reads.set(i, (p = read(i)));
    return p;
  };
  const fail = (file: string, e: unknown) => {
    const reason = e instanceof Error ? e.message : String(e);
    summary.failed.push({ file, reason });
    report(file, 'failed', reason);
  };
  let next = 0;
  // One lane per image the translator can run at once; each keeps at most one write pending.
  const lane = async (): Promise<void> => {
    let pendingWrite: Promise<void> = Promise.resolve();
    while (next < todo.length) {
      if (opts.signal?.aborted) {
        summary.stopped = true;
        break;
      }
      const i = next++;
      const { file, target } = todo[i]!;
      const image = await decoded(i);
      reads.delete(i);
      // The next image decodes (on libuv's threads) while this one translates.
      if (next < todo.length) void decoded(next);
      if (image instanceof Error) {
        fail(file, image);
        continue;
      }
      try {
        const tiled = (opts.tile ?? 0) > 0 || image.width * image.height > maxWhole;
        const tile = opts.tile && opts.tile > 0 ? opts.tile : 512;
        const out = tiled
          ? (await translateInTiles(image, outputNc, t.multiple, { tile, overlap: opts.overlap ?? Math.round(tile / 4), statsPixels: maxWhole }, t.tiles)).data
          : await t.run(image);
        await pendingWrite;
        const keepExisting = { keepExisting: !opts.overwrite };
        pendingWrite = writeImage(target.file, out, image.width, image.height, outputNc === 1 ? 1 : 3, target.format, undefined, keepExisting).then(
          () => {
            summary.translated++;
            report(file, 'translated');
          },
          (e: unknown) => {
            if (!((e as Error)?.cause instanceof PublishConflictError)) return fail(file, e);
            // The output appeared while this image was translated: it is kept, as at the start.
            summary.skippedExisting++;
            report(file, 'skipped-existing');
          },
        );
      } catch (e) {
        fail(file, e);
      }
    }
    await pendingWrite;
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(t.concurrency, todo.length)) }, lane));
  return summary;
}
