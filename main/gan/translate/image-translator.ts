import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { tf } from '../tf.js';
import { exportOnnx } from '../io/onnx-export.js';
import { ARENA_MAX_PIXELS, createOnnxTranslator } from '../io/onnx-translator.js';
import { loadTranslator } from '../models/generator-file.js';
import { translateBatch, type InferenceMode } from '../models/inference.js';
import { tfjsTileEngine, type PlainImage, type TileEngine } from '../models/tiled-inference.js';
import { sizeMultiple, type GeneratorArch } from '../networks/define.js';
import { WASM_CAP_BYTES, type EngineMemory } from './memory-estimate.js';
import type { Stage } from './stage-program.js';
import { tfjsStageRunner } from './stage-runner-tfjs.js';
import type { StageRunner } from './staged-translate.js';

/** One generator, ready to translate whole images or tiles, on whichever engine runs it. */
export interface ImageTranslator {
  /** e.g. "onnxruntime (cpu)" or "tfjs (wasm)". */
  readonly engine: string;
  readonly arch: GeneratorArch;
  /** The side length tiles are rounded up to. */
  readonly multiple: number;
  /** Images that may be in translation at once (onnxruntime's workers); more calls queue. */
  readonly concurrency: number;
  /** An image, HWC in [-1, 1] → its translation, HWC. */
  run(image: PlainImage): Promise<Float32Array>;
  /** Large images: tiles for translateInTiles (sharing instance-norm statistics across tiles). */
  readonly tiles: TileEngine;
  /** Where a whole-image pass keeps its tensors, and that memory's ceiling. */
  readonly memory: EngineMemory;
  /** Exact tiled translation of a ResNet: runs its stages (see staged-translate.ts). */
  stageRunner(stages: readonly Stage[]): Promise<StageRunner>;
  dispose(): Promise<void>;
}

/** GPU memory is not known ahead here; whole images on a GPU stay under this, larger ones are tiled. */
const GPU_CAP_BYTES = 4 * 2 ** 30;

function providerMemory(provider: string): EngineMemory {
  // CoreML runs in the Mac's unified memory; CUDA and DirectML in the GPU's own.
  return provider === 'cuda' || provider === 'dml'
    ? { kind: 'gpu', capBytes: GPU_CAP_BYTES }
    : { kind: 'native', capBytes: Infinity, arenaMaxPixels: ARENA_MAX_PIXELS };
}

function tfjsMemory(backend: string): EngineMemory {
  if (backend === 'wasm' || backend === 'cpu') return { kind: 'wasm', capBytes: WASM_CAP_BYTES };
  if (backend === 'tensorflow') return { kind: 'native', capBytes: Infinity };
  return { kind: 'gpu', capBytes: GPU_CAP_BYTES };
}

export type EngineChoice = 'auto' | 'onnx' | 'tfjs';

export interface TranslatorOptions {
  direction?: 'AtoB' | 'BtoA';
  engine?: EngineChoice;
  mode?: InferenceMode;
  /** Where converted ONNX models are cached (default: the OS temp folder). */
  cacheDir?: string;
}

/**
 * Opens a model for batch translation. 'auto' prefers onnxruntime (native, several times faster
 * than wasm on a CPU, GPU providers where the platform has them) and falls back to tfjs; the
 * reference's test-time mode (batch statistics, dropout) exists only on tfjs.
 */
export async function openImageTranslator(modelPath: string, opts: TranslatorOptions = {}): Promise<ImageTranslator> {
  const direction = opts.direction ?? 'AtoB';
  const mode = opts.mode ?? 'eval';
  const engine = opts.engine ?? 'auto';
  if (engine === 'onnx' && mode !== 'eval')
    throw new Error('the ONNX engine runs eval mode only; use --engine tfjs for --mode reference-test');
  const loaded = await loadTranslator(modelPath, direction);
  if (engine === 'tfjs' || mode !== 'eval') return tfjsImageTranslator(loaded.net, loaded.arch, mode);
  try {
    const onnxPath = await cachedOnnx(modelPath, direction, loaded, opts.cacheDir);
    const ort = await createOnnxTranslator(onnxPath, { engine: engine === 'onnx' ? 'onnxruntime' : 'auto' });
    if (ort.engine === 'onnxruntime') {
      loaded.net.dispose();
      return {
        engine: `onnxruntime (${ort.provider})`,
        arch: ort.arch,
        multiple: sizeMultiple(ort.arch.netG),
        concurrency: ort.concurrency,
        run: async (image) => (await ort.translate([image.data], image.width, image.height))[0]!,
        tiles: ort.tiles,
        memory: providerMemory(ort.provider),
        stageRunner: (stages) => ort.stageRunner(stages),
        dispose: () => ort.dispose(),
      };
    }
    await ort.dispose();
  } catch (e) {
    if (engine === 'onnx') {
      loaded.net.dispose();
      throw e;
    }
  }
  return tfjsImageTranslator(loaded.net, loaded.arch, mode);
}

function tfjsImageTranslator(
  net: Awaited<ReturnType<typeof loadTranslator>>['net'],
  arch: GeneratorArch,
  mode: InferenceMode,
): ImageTranslator {
  return {
    engine: `tfjs (${tf.getBackend()})`,
    arch,
    multiple: sizeMultiple(arch.netG),
    concurrency: 1,
    run: async (image) => {
      const y = tf.tidy(() => {
        const x = tf.tensor4d(image.data, [1, image.height, image.width, image.channels]);
        return translateBatch(net, arch.netG, x, { mode });
      });
      return (await y.data().finally(() => y.dispose())) as Float32Array;
    },
    tiles: tfjsTileEngine(net, arch, { mode }),
    memory: tfjsMemory(tf.getBackend()),
    stageRunner: async () => tfjsStageRunner(net),
    dispose: async () => net.dispose(),
  };
}

/** Converts once per model file version: the cache key covers path, size and modification time. */
async function cachedOnnx(
  modelPath: string,
  direction: string,
  loaded: Awaited<ReturnType<typeof loadTranslator>>,
  cacheDir?: string,
): Promise<string> {
  const s = await stat(modelPath);
  const key = createHash('sha256')
    .update(`${path.resolve(modelPath)}|${s.size}|${s.mtimeMs}|${direction}`)
    .digest('hex')
    .slice(0, 16);
  const dir = cacheDir ?? path.join(os.tmpdir(), 'tandem-onnx-cache');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${key}.onnx`);
  if (!existsSync(file)) await exportOnnx(loaded.net, loaded.arch, file);
  return file;
}
