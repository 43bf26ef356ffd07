import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { readImage, writeImage, type WriteFormat } from '../../data/image-io.js';
import { isImagePath, scanImageFolderStrict } from '../../data/scan.js';
import { tf } from '../tf.js';
import { translateBatch, type InferenceMode } from '../models/inference.js';
import { translateTiled } from '../models/tiled-inference.js';
import type { LoadedTranslator } from '../models/generator-file.js';

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
  mode?: InferenceMode;
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

/**
 * Translates every image under `input` (recursively) into `output`, keeping names and subfolders,
 * any size (whole, or tiled when large), skipping outputs that exist; a bad file is reported and
 * the rest go on. No cap on the number of images.
 */
export async function translateFolder(t: LoadedTranslator, opts: TranslateFolderOptions): Promise<TranslateSummary> {
  const { root, files } = await listInputs(opts.input);
  const inputRoot = path.resolve(root);
  if (path.resolve(opts.output).startsWith(inputRoot + path.sep) || path.resolve(opts.output) === inputRoot) {
    // Outputs inside the input folder would be picked up again as inputs on the next run.
    throw new Error(`--output ${opts.output} lies inside --input ${opts.input}; choose a folder outside it`);
  }
  const summary: TranslateSummary = { total: files.length, translated: 0, skippedExisting: 0, failed: [], stopped: false };
  const maxWhole = opts.maxWholePixels ?? 1024 * 1024;
  const { netG, inputNc, outputNc } = t.arch;
  let done = 0;
  for (const file of files) {
    if (opts.signal?.aborted) {
      summary.stopped = true;
      break;
    }
    const target = outputPathFor(file, inputRoot, opts.output, opts.format);
    let status: TranslateProgress['status'] = 'translated';
    let reason: string | undefined;
    if (!opts.overwrite && existsSync(target.file)) {
      status = 'skipped-existing';
      summary.skippedExisting++;
    } else {
      try {
        const image = await readImage(file, { channels: inputNc === 1 ? 1 : 3 });
        const useTiles = (opts.tile ?? 0) > 0 || image.width * image.height > maxWhole;
        let out: Float32Array;
        if (useTiles) {
          const tile = opts.tile && opts.tile > 0 ? opts.tile : 512;
          out = translateTiled(t.net, netG, image, outputNc, { tile, overlap: opts.overlap ?? Math.round(tile / 4), mode: opts.mode ?? 'eval' }).data;
        } else {
          out = tf.tidy(() => {
            const x = tf.tensor4d(image.data, [1, image.height, image.width, image.channels]);
            return translateBatch(t.net, netG, x, { mode: opts.mode ?? 'eval' }).dataSync() as Float32Array;
          });
        }
        await writeImage(target.file, out, image.width, image.height, outputNc === 1 ? 1 : 3, target.format);
        summary.translated++;
      } catch (e) {
        status = 'failed';
        reason = e instanceof Error ? e.message : String(e);
        summary.failed.push({ file, reason });
      }
    }
    done++;
    opts.onProgress?.({ done, total: files.length, file, status, ...(reason ? { reason } : {}) });
  }
  return summary;
}
