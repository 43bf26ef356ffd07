import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { initBackend } from '../backend/index.js';
import { generatorArchSchema } from '../models/generator-file.js';
import { translateBatch } from '../models/inference.js';
import { defineG, sizeMultiple, type GeneratorArch } from '../networks/define.js';
import type { Network, TorchTensor } from '../networks/network.js';
import { tf } from '../tf.js';
import { ONNX_ARCH_KEY } from './onnx-export.js';

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
  /** One NCHW batch in [-1, 1] → the NCHW batch out. */
  translate(images: Float32Array, width: number, height: number): Promise<Float32Array>;
  /** Images as HWC arrays in [-1, 1] (all width × height) → HWC arrays out. */
  translate(images: readonly Float32Array[], width: number, height: number): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface OnnxTranslatorOptions {
  /** 'auto': onnxruntime, falling back to tfjs. */
  engine?: 'auto' | 'onnxruntime' | 'tfjs';
  /** Execution providers to try instead of the platform's. */
  providers?: string[];
  intraOpThreads?: number;
}

type Ort = typeof import('onnxruntime-node');

interface OnnxContents {
  arch: GeneratorArch;
  initializers: Map<string, TorchTensor>;
}

async function readOnnx(file: string): Promise<OnnxContents> {
  const bytes = await readFile(file);
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`${path.basename(file)} is not a readable ONNX model (${e instanceof Error ? e.message : String(e)})`);
  }
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

function padAmounts(size: number, multiple: number): [number, number] {
  const total = Math.ceil(size / multiple) * multiple - size;
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Symmetric mirror (as tf.mirrorPad 'symmetric', repeated for pads larger than the image). */
function mirror(i: number, n: number): number {
  const period = 2 * n;
  const j = ((i % period) + period) % period;
  return j < n ? j : period - 1 - j;
}

function padNchw(x: Float32Array, n: number, c: number, h: number, w: number, ph: [number, number], pw: [number, number]): Float32Array {
  if (ph[0] + ph[1] + pw[0] + pw[1] === 0) return x;
  const H = h + ph[0] + ph[1];
  const W = w + pw[0] + pw[1];
  const out = new Float32Array(n * c * H * W);
  const cols = Int32Array.from({ length: W }, (_, j) => mirror(j - pw[0], w));
  for (let p = 0; p < n * c; p++) {
    for (let y = 0; y < H; y++) {
      const src = p * h * w + mirror(y - ph[0], h) * w;
      const dst = (p * H + y) * W;
      for (let j = 0; j < W; j++) out[dst + j] = x[src + cols[j]!]!;
    }
  }
  return out;
}

function cropNchw(x: Float32Array, n: number, c: number, H: number, W: number, ph: [number, number], pw: [number, number], h: number, w: number): Float32Array {
  if (H === h && W === w) return x;
  const out = new Float32Array(n * c * h * w);
  for (let p = 0; p < n * c; p++) {
    for (let y = 0; y < h; y++) out.set(x.subarray((p * H + y + ph[0]) * W + pw[0], (p * H + y + ph[0]) * W + pw[0] + w), (p * h + y) * w);
  }
  return out;
}

function hwcToNchw(images: readonly Float32Array[], c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(images.length * c * h * w);
  images.forEach((img, b) => {
    if (img.length !== h * w * c) throw new Error(`image ${b} has ${img.length} values; ${w}×${h}×${c} expected`);
    for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) out[(b * c + k) * h * w + i] = img[i * c + k]!;
  });
  return out;
}

function nchwToHwc(x: Float32Array, n: number, c: number, h: number, w: number): Float32Array[] {
  return Array.from({ length: n }, (_, b) => {
    const img = new Float32Array(h * w * c);
    for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) img[i * c + k] = x[(b * c + k) * h * w + i]!;
    return img;
  });
}

type RunNchw = (x: Float32Array, n: number, h: number, w: number) => Promise<Float32Array>;

export async function createOnnxTranslator(onnxPath: string, options: OnnxTranslatorOptions = {}): Promise<OnnxTranslator> {
  const contents = await readOnnx(onnxPath);
  const { arch } = contents;
  const notes: string[] = [];
  const engine = options.engine ?? 'auto';
  let run: RunNchw | null = null;
  let provider = '';
  let close: () => Promise<void> = async () => undefined;
  let chosen: 'onnxruntime' | 'tfjs' = 'onnxruntime';

  if (engine !== 'tfjs') {
    let ort: Ort | null = null;
    try {
      ort = await import('onnxruntime-node');
    } catch (e) {
      notes.push(`onnxruntime-node cannot load (${e instanceof Error ? e.message : String(e)})`);
    }
    if (ort) {
      const providers = options.providers ?? platformProviders();
      for (const list of [providers, ['cpu']]) {
        try {
          const session = await ort.InferenceSession.create(onnxPath, {
            executionProviders: list,
            graphOptimizationLevel: 'all',
            ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
          });
          provider = list[0]!;
          const O = ort;
          run = async (x, n, h, w) => {
            const out = await session.run({ input: new O.Tensor('float32', x, [n, arch.inputNc, h, w]) });
            const y = out.output;
            if (!y) throw new Error(`${path.basename(onnxPath)} has no output named 'output'`);
            return y.data as Float32Array;
          };
          close = () => session.release();
          break;
        } catch (e) {
          notes.push(`execution providers ${list.join(', ')} failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
          if (list.length === 1 && list[0] === 'cpu') break;
        }
      }
    }
    if (!run && engine === 'onnxruntime') throw new Error(`onnxruntime cannot run ${path.basename(onnxPath)}: ${notes.join('; ')}`);
  }

  if (!run) {
    chosen = 'tfjs';
    const report = await initBackend();
    provider = report.variant;
    const net: Network = defineG('G', arch, null);
    try {
      net.loadTorchStateDict(new Map([...contents.initializers].filter(([k]) => net.params.get(k))));
    } catch (e) {
      net.dispose();
      throw e;
    }
    run = async (x, n, h, w) => {
      const y = tf.tidy(() => {
        const nhwc = tf.transpose(tf.tensor4d(x, [n, arch.inputNc, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
        return tf.transpose(translateBatch(net, arch.netG, nhwc, { mode: 'eval' }), [0, 3, 1, 2]);
      });
      const data = (await y.data()) as Float32Array;
      y.dispose();
      return data;
    };
    close = async () => net.dispose();
  }

  const runner = run;
  const multiple = sizeMultiple(arch.netG);
  const translateNchw = async (x: Float32Array, width: number, height: number): Promise<Float32Array> => {
    const per = arch.inputNc * width * height;
    if (x.length === 0 || x.length % per) throw new Error(`${x.length} values is not a whole number of ${arch.inputNc}×${height}×${width} images`);
    const n = x.length / per;
    if (chosen === 'tfjs') return runner(x, n, height, width); // translateBatch pads and crops itself
    const ph = padAmounts(height, multiple);
    const pw = padAmounts(width, multiple);
    const H = height + ph[0] + ph[1];
    const W = width + pw[0] + pw[1];
    const y = await runner(padNchw(x, n, arch.inputNc, height, width, ph, pw), n, H, W);
    return cropNchw(y, n, arch.outputNc, H, W, ph, pw, height, width);
  };

  async function translate(images: Float32Array, width: number, height: number): Promise<Float32Array>;
  async function translate(images: readonly Float32Array[], width: number, height: number): Promise<Float32Array[]>;
  async function translate(images: Float32Array | readonly Float32Array[], width: number, height: number): Promise<Float32Array | Float32Array[]> {
    if (images instanceof Float32Array) return translateNchw(images, width, height);
    if (images.length === 0) return [];
    const y = await translateNchw(hwcToNchw(images, arch.inputNc, height, width), width, height);
    return nchwToHwc(y, images.length, arch.outputNc, height, width);
  }

  return { engine: chosen, provider, arch, notes, translate, dispose: close };
}
