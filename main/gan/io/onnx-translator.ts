import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { initBackend } from '../backend/index.js';
import { generatorArchSchema } from '../models/generator-file.js';
import { translateBatch } from '../models/inference.js';
import { tfjsTileEngine, type PlainImage, type PreparedTiles, type TileEngine } from '../models/tiled-inference.js';
import { defineG, sizeMultiple, type GeneratorArch } from '../networks/define.js';
import type { Network, TorchTensor } from '../networks/network.js';
import { tf } from '../tf.js';
import { ONNX_ARCH_KEY } from './onnx-export.js';
import { instanceNormGraphs } from './onnx-tiling.js';
import type { Stage } from '../translate/stage-program.js';
import { onnxStageRunner } from '../translate/stage-runner-onnx.js';
import { tfjsStageRunner } from '../translate/stage-runner-tfjs.js';
import type { StageRunner } from '../translate/staged-translate.js';
import { OrtWorkerPool, type Feeds, type WorkerSessionOptions } from './onnx-workers.js';
import { cropNchw, hwcToNchw, nchwToHwc, padAmounts, padImageNchw, padNchw } from './planar.js';

const { onnx } = onnxProto;

/**
 * Batch translation of Tandem-exported .onnx generators with onnxruntime-node: CoreML on macOS,
 * DirectML on Windows, CUDA on Linux where its provider libraries are installed, else CPU. When
 * onnxruntime-node cannot load, the same weights (the .onnx initializers carry the reference's
 * state_dict names) run on tfjs instead. Images of any size: padded by mirroring to the multiple
 * the network needs and cropped back, exactly as translateBatch does.
 */
export interface OnnxTranslator {
  readonly engine: 'onnxruntime' | 'tfjs';
  /** The execution provider that runs ('cpu', 'cuda', 'coreml', 'dml') or the tfjs backend. */
  readonly provider: string;
  readonly arch: GeneratorArch;
  /** Why a better engine or provider was passed over. */
  readonly notes: readonly string[];
  /** Translations that run at the same time (onnxruntime workers); more calls wait their turn. */
  readonly concurrency: number;
  /** One NCHW batch in [-1, 1] → the NCHW batch out. */
  translate(images: Float32Array, width: number, height: number): Promise<Float32Array>;
  /** Images as HWC arrays in [-1, 1] (all width × height) → HWC arrays out. */
  translate(images: readonly Float32Array[], width: number, height: number): Promise<Float32Array[]>;
  /** Tiles (HWC) for translateInTiles; under instance norm every tile uses the overview's statistics. */
  readonly tiles: TileEngine;
  /** Runs a ResNet's stages for exact tiled translation (opened on first use, then kept). */
  stageRunner(stages: readonly Stage[]): Promise<StageRunner>;
  dispose(): Promise<void>;
}

export interface OnnxTranslatorOptions {
  /** 'auto': onnxruntime, falling back to tfjs. */
  engine?: 'auto' | 'onnxruntime' | 'tfjs';
  /** Execution providers to try instead of the platform's. */
  providers?: string[];
  /** Threads per onnxruntime session (default: all the cores). */
  intraOpThreads?: number;
  /** onnxruntime sessions, each in its own worker thread (default: see poolShape). */
  workers?: number;
}

interface OnnxContents {
  arch: GeneratorArch;
  initializers: Map<string, TorchTensor>;
}

async function decodeOnnx(file: string): Promise<onnxProto.onnx.ModelProto> {
  const bytes = await readFile(file);
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`${path.basename(file)} is not a readable ONNX model (${e instanceof Error ? e.message : String(e)})`);
  }
}

async function readOnnx(file: string): Promise<OnnxContents> {
  const model = await decodeOnnx(file);
  const meta = model.metadataProps.find((p) => p.key === ONNX_ARCH_KEY)?.value;
  if (!meta) throw new Error(`${path.basename(file)} was not exported by Tandem (no ${ONNX_ARCH_KEY} metadata); export it with exportOnnx`);
  const arch = generatorArchSchema.parse(JSON.parse(meta));
  const initializers = new Map<string, TorchTensor>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataType !== onnx.TensorProto.DataType.FLOAT || !t.name || !t.rawData?.length) continue;
    // A copy: protobufjs hands out views into the file's buffer, not always 4-byte aligned.
    const raw = Uint8Array.from(t.rawData);
    initializers.set(t.name, { shape: (t.dims ?? []).map(Number), data: new Float32Array(raw.buffer) });
  }
  return { arch, initializers };
}

/** The platform's execution providers, best first; CUDA only where its libraries are installed. */
export function platformProviders(): string[] {
  if (process.platform === 'darwin') return ['coreml', 'cpu'];
  if (process.platform === 'win32') return ['dml', 'cpu'];
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    const dir = path.join(path.dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
    if (existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so'))) return ['cuda', 'cpu'];
  } catch {
    // no onnxruntime-node: the caller falls back anyway
  }
  return ['cpu'];
}

/**
 * Sessions and threads for a provider. On the CPU two sessions (two images at once) each with all
 * the cores: a session alone (one image, or the last of a folder) still uses every core, and two
 * busy ones keep the cores fed through the small ops between convolutions, where one session's
 * threads mostly wait on each other. The threads then outnumber the cores, so a waiting thread
 * spins only briefly before yielding its core, and parallel loops hand out work in dynamic blocks
 * so a descheduled thread holds nobody up. Measured on 2 cores (resnet_9blocks at 256², 20
 * images): ~0.41 s/image against ~0.43 with one session; one thread per session reaches ~0.40
 * on long folders but takes twice as long over a single image. A GPU provider gets one session.
 */
export function poolShape(
  provider: string,
  options: Pick<OnnxTranslatorOptions, 'workers' | 'intraOpThreads'> = {},
  cores = os.availableParallelism(),
): { workers: number; options: Omit<WorkerSessionOptions, 'executionProviders'> } {
  const workers = Math.max(1, options.workers ?? (provider === 'cpu' ? Math.min(2, cores) : 1));
  const threads = Math.max(1, options.intraOpThreads ?? cores);
  const oversubscribed = workers * threads > cores;
  return {
    workers,
    options: {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      ...(oversubscribed ? { extra: { session: { 'intra_op.spin_duration_us': '10', dynamic_block_base: '4' } } } : {}),
    },
  };
}

/** Runs one NCHW batch already padded to the generator's multiple; `owned`: x may be handed over. */
type RunNchw = (x: Float32Array, n: number, h: number, w: number, owned: boolean) => Promise<Float32Array>;

interface Engine {
  run: RunNchw;
  /** The input must be padded to the multiple first (onnxruntime; tfjs's translateBatch pads itself). */
  pads: boolean;
  concurrency: number;
  prepareTiles: TileEngine['prepare'];
  openStages(stages: readonly Stage[]): Promise<StageRunner>;
  close(): Promise<void>;
}

/**
 * onnxruntime's memory arena keeps the peak of the largest run for the session's lifetime: after
 * one 12 MP photo a worker would hold ~6 GB for every later thumbnail (its shrinkage option did not
 * free it here). Images past this size run in a second session without an arena, which returns
 * its memory after each run; smaller ones keep the arena, ~1.4× faster at 256² (measured).
 */
export const ARENA_MAX_PIXELS = 4e6;

/** A whole buffer can move to a worker; a view into someone else's cannot. */
function transferable(x: Float32Array): ArrayBuffer[] {
  return x.byteOffset === 0 && x.byteLength === x.buffer.byteLength ? [x.buffer as ArrayBuffer] : [];
}

async function openOrt(
  onnxPath: string,
  contents: OnnxContents,
  options: OnnxTranslatorOptions,
  notes: string[],
): Promise<{ engine: Engine; provider: string } | null> {
  const { arch } = contents;
  const providers = options.providers ?? platformProviders();
  for (const list of [providers, ['cpu']]) {
    const shape = poolShape(list[0]!, options);
    let pool: OrtWorkerPool;
    try {
      pool = await OrtWorkerPool.start(shape.workers);
    } catch (e) {
      notes.push(`onnxruntime-node cannot load (${e instanceof Error ? e.message : String(e)})`);
      return null;
    }
    const sessionOptions: WorkerSessionOptions = { executionProviders: list, ...shape.options };
    try {
      await pool.open('model', onnxPath, sessionOptions);
    } catch (e) {
      await pool.close();
      notes.push(`execution providers ${list.join(', ')} failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      if (list.length === 1 && list[0] === 'cpu') break;
      continue;
    }
    let large: Promise<void> | null = null;
    const sessionFor = async (key: string, pixels: number): Promise<string> => {
      if (key !== 'model' || pixels <= ARENA_MAX_PIXELS) return key;
      await (large ??= pool.open('model-large', onnxPath, { ...sessionOptions, enableCpuMemArena: false }));
      return 'model-large';
    };
    const run =
      (key: string) =>
      async (x: Float32Array, n: number, h: number, w: number, owned: boolean, extra: Feeds = {}) => {
        const feeds = { input: { data: x, dims: [n, arch.inputNc, h, w] }, ...extra };
        const out = await pool.run(await sessionFor(key, n * h * w), feeds, owned ? transferable(x) : []);
        if (!out.output) throw new Error(`${path.basename(onnxPath)} has no output named 'output'`);
        return out.output.data;
      };
    // Opened on the first tiled image with instance norm, then kept for the next ones.
    let shared: Promise<ReturnType<typeof instanceNormGraphs>> | null = null;
    const openShared = async () => {
      const graphs = instanceNormGraphs(await decodeOnnx(onnxPath));
      if (!graphs) return null;
      // One overview per image: one session, all the cores, and no arena keeping its peak memory.
      await pool.open('stats', graphs.stats, { ...sessionOptions, enableCpuMemArena: false }, [0]);
      await pool.open('tiles', graphs.tiles, sessionOptions);
      return graphs;
    };
    const engine: Engine = {
      run: run('model'),
      pads: true,
      concurrency: pool.size,
      prepareTiles: async (overview) => {
        const plain: PreparedTiles = { run: (patch) => runPatch(engine, arch, patch) };
        if (arch.norm !== 'instance') return plain;
        const graphs = await (shared ??= openShared());
        if (!graphs) return plain;
        const stats = await runPadded(overview(), arch, (x, n, h, w) =>
          pool.run('stats', { input: { data: x, dims: [n, arch.inputNc, h, w] } }, transferable(x)),
        );
        const feeds = Object.fromEntries(
          graphs.layers.flatMap((l) => [
            [l.mean, { data: statOf(stats, l.mean, l.channels), dims: [l.channels] }],
            [l.variance, { data: statOf(stats, l.variance, l.channels), dims: [l.channels] }],
          ]),
        );
        const tiles = run('tiles');
        return { run: (patch) => runPatch({ ...engine, run: (x, n, h, w, owned) => tiles(x, n, h, w, owned, feeds) }, arch, patch) };
      },
      openStages: (stages) => onnxStageRunner(pool, stages, contents.initializers, sessionOptions, 'stage'),
      close: () => pool.close(),
    };
    return { engine, provider: list[0]! };
  }
  return null;
}

function statOf(outputs: Record<string, { data: Float32Array }>, name: string, channels: number): Float32Array {
  const t = outputs[name];
  if (!t || t.data.length !== channels) throw new Error(`the statistics pass gave no ${channels} values for ${name}`);
  return t.data;
}

/** One HWC image, padded (mirrored) to the multiple as NCHW for `fn`. */
async function runPadded<T>(
  image: PlainImage,
  arch: GeneratorArch,
  fn: (x: Float32Array, n: number, h: number, w: number) => Promise<T>,
): Promise<T> {
  const x = padImageNchw(image, image.channels, sizeMultiple(arch.netG));
  return fn(x.data, 1, x.height, x.width);
}

async function runPatch(engine: Engine, arch: GeneratorArch, patch: PlainImage): Promise<Float32Array> {
  const y = await translateNchw(
    engine,
    arch,
    hwcToNchw([patch.data], arch.inputNc, patch.height, patch.width),
    patch.width,
    patch.height,
    true,
  );
  return nchwToHwc(y, 1, arch.outputNc, patch.height, patch.width)[0]!;
}

async function translateNchw(
  engine: Engine,
  arch: GeneratorArch,
  x: Float32Array,
  width: number,
  height: number,
  owned: boolean,
): Promise<Float32Array> {
  const per = arch.inputNc * width * height;
  if (x.length === 0 || x.length % per)
    throw new Error(`${x.length} values is not a whole number of ${arch.inputNc}×${height}×${width} images`);
  const n = x.length / per;
  if (!engine.pads) return engine.run(x, n, height, width, owned); // translateBatch pads and crops itself
  const multiple = sizeMultiple(arch.netG);
  const ph = padAmounts(height, multiple);
  const pw = padAmounts(width, multiple);
  const H = height + ph[0] + ph[1];
  const W = width + pw[0] + pw[1];
  const padded = padNchw(x, n, arch.inputNc, height, width, ph, pw);
  const y = await engine.run(padded, n, H, W, owned || padded !== x);
  return cropNchw(y, n, arch.outputNc, H, W, ph, pw, height, width);
}

async function openTfjs(contents: OnnxContents): Promise<{ engine: Engine; provider: string }> {
  const { arch } = contents;
  const report = await initBackend();
  const net: Network = defineG('G', arch, null);
  try {
    net.loadTorchStateDict(new Map([...contents.initializers].filter(([k]) => net.params.get(k))));
  } catch (e) {
    net.dispose();
    throw e;
  }
  const tiles = tfjsTileEngine(net, arch, { mode: 'eval' });
  const engine: Engine = {
    run: async (x, n, h, w) => {
      const y = tf.tidy(() => {
        const nhwc = tf.transpose(tf.tensor4d(x, [n, arch.inputNc, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
        return tf.transpose(translateBatch(net, arch.netG, nhwc, { mode: 'eval' }), [0, 3, 1, 2]);
      });
      const data = (await y.data()) as Float32Array;
      y.dispose();
      return data;
    },
    pads: false,
    concurrency: 1,
    prepareTiles: (overview) => tiles.prepare(overview),
    openStages: async () => tfjsStageRunner(net),
    close: async () => net.dispose(),
  };
  return { engine, provider: report.variant };
}

export async function createOnnxTranslator(onnxPath: string, options: OnnxTranslatorOptions = {}): Promise<OnnxTranslator> {
  const contents = await readOnnx(onnxPath);
  const { arch } = contents;
  const notes: string[] = [];
  const choice = options.engine ?? 'auto';
  const ort = choice !== 'tfjs' ? await openOrt(onnxPath, contents, options, notes) : null;
  if (!ort && choice === 'onnxruntime') throw new Error(`onnxruntime cannot run ${path.basename(onnxPath)}: ${notes.join('; ')}`);
  const { engine, provider } = ort ?? (await openTfjs(contents));
  let stageRunner: Promise<StageRunner> | null = null;

  async function translate(images: Float32Array, width: number, height: number): Promise<Float32Array>;
  async function translate(images: readonly Float32Array[], width: number, height: number): Promise<Float32Array[]>;
  async function translate(
    images: Float32Array | readonly Float32Array[],
    width: number,
    height: number,
  ): Promise<Float32Array | Float32Array[]> {
    if (images instanceof Float32Array) return translateNchw(engine, arch, images, width, height, false);
    if (images.length === 0) return [];
    const y = await translateNchw(engine, arch, hwcToNchw(images, arch.inputNc, height, width), width, height, true);
    return nchwToHwc(y, images.length, arch.outputNc, height, width);
  }

  return {
    engine: ort ? 'onnxruntime' : 'tfjs',
    provider,
    arch,
    notes,
    concurrency: engine.concurrency,
    translate,
    tiles: { concurrency: engine.concurrency, prepare: engine.prepareTiles },
    stageRunner: (stages) => (stageRunner ??= engine.openStages(stages)),
    dispose: () => engine.close(),
  };
}
