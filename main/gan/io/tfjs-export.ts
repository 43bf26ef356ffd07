import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sizeMultiple, type GeneratorArch } from '../networks/define.js';
import type { Network, TorchTensor } from '../networks/network.js';
import { exportableGraph, type GenOp } from './generator-graph.js';
import { tfjsExamplePage } from './tfjs-example.js';

/**
 * Writes the generator as a TF.js *graph model* (the tfjs-converter format: model.json with a
 * GraphDef in JSON, a weights manifest and binary shards), using only TensorFlow ops that
 * tf.loadGraphModel runs in a plain browser: MirrorPad, Conv2D / Conv2DBackpropInput with explicit
 * padding, BiasAdd, FusedBatchNormV3, Mean/SquaredDifference/Rsqrt (instance norm), Relu,
 * LeakyRelu, Tanh, ConcatV2, AddV2. Input 'input' and output 'output': NHWC float32 in [-1, 1],
 * any batch, height and width multiples of sizeMultiple(netG).
 */

export interface TfjsExportResult {
  outDir: string;
  modelJson: string;
  shards: string[];
  examplePage: string;
  nodes: number;
}

const SHARD_BYTES = 4 * 1024 * 1024;
const EPS = 1e-5;

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

type AttrValue =
  | { type: 'DT_FLOAT' | 'DT_INT32' }
  | { s: string }
  | { f: number }
  | { b: boolean }
  | { i: string }
  | { list: { i?: string[] } }
  | { shape: { dim: Array<{ size: string }> } }
  | { tensor: { dtype: string; tensorShape: { dim?: Array<{ size: string }> } } };

interface NodeDef {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrValue>;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const ints = (xs: number[]): AttrValue => ({ list: { i: xs.map(String) } });
const F32: AttrValue = { type: 'DT_FLOAT' };
const I32: AttrValue = { type: 'DT_INT32' };

class TfGraphBuilder {
  readonly nodes: NodeDef[] = [];
  readonly weights: WeightSpec[] = [];
  readonly data: Uint8Array[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly sd: Map<string, TorchTensor>) {}

  op(op: string, input: string[], attr: Record<string, AttrValue> = {}, name?: string): string {
    const n = name ?? `${op}_${this.counter++}`;
    this.nodes.push({ name: n, op, input, attr });
    return n;
  }

  private constant(name: string, shape: number[], values: Float32Array | Int32Array): string {
    if (this.names.has(name)) return name;
    this.names.add(name);
    const dtype = values instanceof Int32Array ? 'int32' : 'float32';
    const dt = dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    this.nodes.push({
      name,
      op: 'Const',
      attr: { value: { tensor: { dtype: dt, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } }, dtype: { type: dt } },
    });
    this.weights.push({ name, shape, dtype });
    const bytes = new Uint8Array(values.byteLength);
    (dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer)).set(values);
    this.data.push(bytes);
    return name;
  }

  int32(name: string, shape: number[], values: number[]): string {
    return this.constant(name, shape, Int32Array.from(values));
  }

  float(name: string, shape: number[], values: number[] | Float32Array): string {
    return this.constant(name, shape, Float32Array.from(values));
  }

  private tensor(key: string): TorchTensor & { data: Float32Array } {
    const t = this.sd.get(key);
    if (!t || !(t.data instanceof Float32Array)) throw new Error(`the network has no float tensor ${key}`);
    return t as TorchTensor & { data: Float32Array };
  }

  /** A torch conv weight (OIHW, or IOHW for transposed convs) as TF's [kH, kW, a, b]. */
  private kernel(key: string): string {
    const t = this.tensor(key);
    const [a, b, kh, kw] = t.shape as [number, number, number, number];
    const out = new Float32Array(t.data.length);
    // torch [a][b][y][x] → tf [y][x][b][a]
    for (let i = 0; i < a; i++)
      for (let j = 0; j < b; j++)
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++) out[((y * kw + x) * b + j) * a + i] = t.data[((i * b + j) * kh + y) * kw + x]!;
    return this.float(key, [kh, kw, b, a], out);
  }

  /** A blur filter buffer (torch [C, 1, k, k]) as TF's depthwise [k, k, C, 1]. */
  private depthwiseKernel(key: string): string {
    const t = this.tensor(key);
    const [c, , kh, kw] = t.shape as [number, number, number, number];
    const out = new Float32Array(t.data.length);
    for (let i = 0; i < c; i++)
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[(y * kw + x) * c + i] = t.data[(i * kh + y) * kw + x]!;
    return this.float(key, [kh, kw, c, 1], out);
  }

  private vector(key: string): string {
    const t = this.tensor(key);
    return this.float(key, t.shape, t.data);
  }

  emit(ops: readonly GenOp[], x: string): string {
    for (const o of ops) x = this.emitOne(o, x);
    return x;
  }

  private padding(p: number): Record<string, AttrValue> {
    return p === 0
      ? { padding: { s: b64('VALID') } }
      : { padding: { s: b64('EXPLICIT') }, explicit_paddings: ints([0, 0, p, p, p, p, 0, 0]) };
  }

  private emitOne(o: GenOp, x: string): string {
    switch (o.op) {
      case 'reflectPad': {
        const p = o.pad;
        return this.op('MirrorPad', [x, this.int32(`const/reflect_pad_${p}`, [4, 2], [0, 0, p, p, p, p, 0, 0])], {
          T: F32,
          mode: { s: b64('REFLECT') },
        });
      }
      case 'conv': {
        const y = this.op('Conv2D', [x, this.kernel(`${o.key}.weight`)], {
          T: F32,
          strides: ints([1, o.stride, o.stride, 1]),
          dilations: ints([1, 1, 1, 1]),
          data_format: { s: b64('NHWC') },
          ...this.padding(o.padding),
        });
        return o.bias ? this.op('BiasAdd', [y, this.vector(`${o.key}.bias`)], { T: F32, data_format: { s: b64('NHWC') } }) : y;
      }
      case 'convTranspose': {
        // PyTorch's output size is s·n + (k + output_padding − s − 2p): computed from the input's shape.
        const s = o.stride;
        const extra = o.kernel + o.outputPadding - s - 2 * o.padding;
        const shape = this.op('Shape', [x], { T: F32, out_type: I32 });
        const scaled = this.op('Mul', [shape, this.int32(`const/shape_mul_${s}`, [4], [1, s, s, 0])], { T: I32 });
        const outShape = this.op('AddV2', [scaled, this.int32(`const/shape_add_${extra}_${o.outC}`, [4], [0, extra, extra, o.outC])], {
          T: I32,
        });
        const y = this.op('Conv2DBackpropInput', [outShape, this.kernel(`${o.key}.weight`), x], {
          T: F32,
          strides: ints([1, s, s, 1]),
          dilations: ints([1, 1, 1, 1]),
          data_format: { s: b64('NHWC') },
          padding: { s: b64('EXPLICIT') },
          explicit_paddings: ints([0, 0, o.padding, o.padding, o.padding, o.padding, 0, 0]),
        });
        return o.bias ? this.op('BiasAdd', [y, this.vector(`${o.key}.bias`)], { T: F32, data_format: { s: b64('NHWC') } }) : y;
      }
      case 'batchNorm':
        return this.op(
          'FusedBatchNormV3',
          [x, ...['weight', 'bias', 'running_mean', 'running_var'].map((s) => this.vector(`${o.key}.${s}`))],
          { T: F32, U: F32, epsilon: { f: EPS }, data_format: { s: b64('NHWC') }, is_training: { b: false } },
        );
      case 'instanceNorm': {
        const axes = this.int32('const/hw_axes', [2], [1, 2]);
        const mean = this.op('Mean', [x, axes], { T: F32, Tidx: I32, keep_dims: { b: true } });
        const variance = this.op('Mean', [this.op('SquaredDifference', [x, mean], { T: F32 }), axes], {
          T: F32,
          Tidx: I32,
          keep_dims: { b: true },
        });
        const inv = this.op('Rsqrt', [this.op('AddV2', [variance, this.float('const/eps', [], [EPS])], { T: F32 })], { T: F32 });
        return this.op('Mul', [this.op('Sub', [x, mean], { T: F32 }), inv], { T: F32 });
      }
      case 'blurPool': {
        const padded = this.op('MirrorPad', [x, this.int32('const/reflect_pad_1', [4, 2], [0, 0, 1, 1, 1, 1, 0, 0])], {
          T: F32,
          mode: { s: b64('REFLECT') },
        });
        return this.op('DepthwiseConv2dNative', [padded, this.depthwiseKernel(`${o.key}.filt`)], {
          T: F32,
          strides: ints([1, 2, 2, 1]),
          dilations: ints([1, 1, 1, 1]),
          data_format: { s: b64('NHWC') },
          padding: { s: b64('VALID') },
        });
      }
      case 'upsample': {
        // [2H, 2W] from the input's own shape, so the model keeps taking any size.
        const shape = this.op('Shape', [x], { T: F32, out_type: I32 });
        const hw = this.op(
          'StridedSlice',
          [shape, this.int32('const/hw_begin', [1], [1]), this.int32('const/hw_end', [1], [3]), this.int32('const/hw_stride', [1], [1])],
          {
            T: I32,
            Index: I32,
            begin_mask: { i: '0' },
            end_mask: { i: '0' },
            ellipsis_mask: { i: '0' },
            new_axis_mask: { i: '0' },
            shrink_axis_mask: { i: '0' },
          },
        );
        const size = this.op('Mul', [hw, this.int32('const/times_2', [2], [2, 2])], { T: I32 });
        return this.op('ResizeBilinear', [x, size], { T: F32, align_corners: { b: false }, half_pixel_centers: { b: true } });
      }
      case 'relu':
        return this.op('Relu', [x], { T: F32 });
      case 'leakyRelu':
        return this.op('LeakyRelu', [x], { T: F32, alpha: { f: o.alpha } });
      case 'tanh':
        return this.op('Tanh', [x], { T: F32 });
      case 'residual':
        return this.op('AddV2', [x, this.emit(o.body, x)], { T: F32 });
      case 'skip':
        return this.op('ConcatV2', [x, this.emit(o.body, x), this.int32('const/channel_axis', [], [3])], {
          T: F32,
          Tidx: I32,
          N: { i: '2' },
        });
    }
  }
}

export interface TfjsGraphModel {
  modelJson: Record<string, unknown>;
  weightSpecs: WeightSpec[];
  weightData: Uint8Array;
}

/** The graph model in memory (for tf.io.fromMemory, or to write). */
export async function buildTfjsGraphModel(net: Network, arch: GeneratorArch): Promise<TfjsGraphModel> {
  const { sd, ops } = await exportableGraph(net, arch);
  const b = new TfGraphBuilder(sd);
  const input = b.op(
    'Placeholder',
    [],
    {
      dtype: F32,
      shape: { shape: { dim: [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: String(arch.inputNc) }] } },
    },
    'input',
  );
  b.op('Identity', [b.emit(ops, input)], { T: F32 }, 'output');
  const weightData = Buffer.concat(b.data);
  const tensorInfo = (name: string, c: number) => ({
    name: `${name}:0`,
    dtype: 'DT_FLOAT',
    tensorShape: { dim: [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: String(c) }] },
  });
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'Tandem',
    convertedBy: 'Tandem',
    modelTopology: { node: b.nodes, library: {}, versions: { producer: 1 } },
    signature: { inputs: { input: tensorInfo('input', arch.inputNc) }, outputs: { output: tensorInfo('output', arch.outputNc) } },
    userDefinedMetadata: {
      tandem: { arch, sizeMultiple: sizeMultiple(arch.netG), layout: 'NHWC', range: [-1, 1] },
    },
  };
  return { modelJson, weightSpecs: b.weights, weightData: new Uint8Array(weightData.buffer, weightData.byteOffset, weightData.length) };
}

/** Writes model.json, its weight shards and index.html (an example page) into outDir. */
export async function exportTfjs(net: Network, arch: GeneratorArch, outDir: string): Promise<TfjsExportResult> {
  const m = await buildTfjsGraphModel(net, arch);
  await mkdir(outDir, { recursive: true });
  const count = Math.max(1, Math.ceil(m.weightData.length / SHARD_BYTES));
  const shards: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `group1-shard${i + 1}of${count}.bin`;
    await writeFile(path.join(outDir, name), m.weightData.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES));
    shards.push(name);
  }
  const modelJson = path.join(outDir, 'model.json');
  await writeFile(modelJson, JSON.stringify({ ...m.modelJson, weightsManifest: [{ paths: shards, weights: m.weightSpecs }] }));
  const examplePage = path.join(outDir, 'index.html');
  await writeFile(examplePage, tfjsExamplePage(arch));
  return { outDir, modelJson, shards, examplePage, nodes: (m.modelJson.modelTopology as { node: unknown[] }).node.length };
}
