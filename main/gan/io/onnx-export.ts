import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import type { GeneratorArch } from '../networks/define.js';
import { sizeMultiple } from '../networks/define.js';
import type { Network, TorchTensor } from '../networks/network.js';
import { generatorGraph, graphKeys, type GenOp } from './generator-graph.js';

const { onnx } = onnxProto;

/** Opset 13 (IR version 7): the widest-supported opset with everything a generator needs. */
export const ONNX_OPSET = 13;
const IR_VERSION = 7;
const EPS = 1e-5;

export interface OnnxExportResult {
  outPath: string;
  opset: number;
  nodes: number;
  initializers: number;
  bytes: number;
}

/** The metadata_props key holding the GeneratorArch (JSON), so a .onnx can be rebuilt as a Network. */
export const ONNX_ARCH_KEY = 'tandem.arch';

/**
 * Writes the generator as an ONNX model: input 'input' and output 'output', both NCHW float32 in
 * [-1, 1], with dynamic batch, height and width. Height and width must be multiples of
 * sizeMultiple(netG) (4 for ResNets, 256 / 128 for U-Nets); Tandem's translators pad for that.
 * Initializers carry the reference's state_dict names.
 */
export async function exportOnnx(net: Network, arch: GeneratorArch, outPath: string): Promise<OnnxExportResult> {
  const model = await buildOnnxModel(net, arch);
  const bytes = onnx.ModelProto.encode(model).finish();
  await mkdir(path.dirname(outPath), { recursive: true });
  await writeFile(outPath, bytes);
  const g = model.graph!;
  return { outPath, opset: ONNX_OPSET, nodes: g.node!.length, initializers: g.initializer!.length, bytes: bytes.length };
}

export async function buildOnnxModel(net: Network, arch: GeneratorArch): Promise<onnxProto.onnx.IModelProto> {
  const sd = await net.torchStateDict();
  const ops = generatorGraph(arch);
  const missing = graphKeys(ops).filter((k) => !sd.has(k));
  if (missing.length) throw new Error(`cannot export ${net.name} as ${arch.netG}: the network lacks ${missing.slice(0, 5).join(', ')}; its arch does not match its weights`);
  const b = new OnnxGraphBuilder(sd);
  const out = b.emit(ops, 'input');
  b.node('Identity', [out], {}, 'output');
  const dims = (c: number) => [{ dimParam: 'batch' }, { dimValue: c }, { dimParam: 'height' }, { dimParam: 'width' }];
  const valueInfo = (name: string, c: number): onnxProto.onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims(c) } } },
  });
  const graph: onnxProto.onnx.IGraphProto = {
    name: `tandem_${arch.netG}`,
    node: b.nodes,
    initializer: b.initializers,
    input: [valueInfo('input', arch.inputNc)],
    output: [valueInfo('output', arch.outputNc)],
    docString: `pytorch-CycleGAN-and-pix2pix ${arch.netG} generator (ngf ${arch.ngf}, norm ${arch.norm}), eval mode. NCHW in [-1,1]; height and width multiples of ${sizeMultiple(arch.netG)}.`,
  };
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'Tandem',
    producerVersion: '1',
    graph,
    metadataProps: [{ key: ONNX_ARCH_KEY, value: JSON.stringify(arch) }],
  };
}

type Attr = number | number[] | string | { float: number };

class OnnxGraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly sd: Map<string, TorchTensor>) {}

  private fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  node(opType: string, inputs: string[], attrs: Record<string, Attr>, output?: string): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    const attribute: onnxProto.onnx.IAttributeProto[] = Object.entries(attrs).map(([name, v]) => {
      const T = onnx.AttributeProto.AttributeType;
      if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
      if (typeof v === 'number') return { name, type: T.INT, i: v };
      if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
      return { name, type: T.FLOAT, f: v.float };
    });
    this.nodes.push({ name: `${opType}_${this.nodes.length}`, opType, input: inputs, output: [out], attribute });
    return out;
  }

  private floatInit(name: string, dims: number[], data: Float32Array): string {
    if (!this.names.has(name)) {
      this.names.add(name);
      const raw = new Uint8Array(data.byteLength);
      new Float32Array(raw.buffer).set(data);
      this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
    }
    return name;
  }

  private int64Init(name: string, values: number[]): string {
    if (!this.names.has(name)) {
      this.names.add(name);
      const raw = new Uint8Array(values.length * 8);
      const dv = new DataView(raw.buffer);
      values.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true));
      this.initializers.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: raw });
    }
    return name;
  }

  private weight(key: string): string {
    const t = this.sd.get(key);
    if (!t || !(t.data instanceof Float32Array)) throw new Error(`the network has no float tensor ${key}`);
    return this.floatInit(key, t.shape, t.data);
  }

  emit(ops: readonly GenOp[], input: string): string {
    let x = input;
    for (const o of ops) x = this.emitOne(o, x);
    return x;
  }

  private emitOne(o: GenOp, x: string): string {
    switch (o.op) {
      case 'reflectPad': {
        const p = o.pad;
        return this.node('Pad', [x, this.int64Init(`pads_reflect_${p}`, [0, 0, p, p, 0, 0, p, p])], { mode: 'reflect' });
      }
      case 'conv': {
        const inputs = [x, this.weight(`${o.key}.weight`), ...(o.bias ? [this.weight(`${o.key}.bias`)] : [])];
        const p = o.padding;
        return this.node('Conv', inputs, { kernel_shape: [o.kernel, o.kernel], strides: [o.stride, o.stride], pads: [p, p, p, p], dilations: [1, 1], group: 1 });
      }
      case 'convTranspose': {
        const inputs = [x, this.weight(`${o.key}.weight`), ...(o.bias ? [this.weight(`${o.key}.bias`)] : [])];
        const p = o.padding;
        return this.node('ConvTranspose', inputs, {
          kernel_shape: [o.kernel, o.kernel],
          strides: [o.stride, o.stride],
          pads: [p, p, p, p],
          output_padding: [o.outputPadding, o.outputPadding],
          dilations: [1, 1],
          group: 1,
        });
      }
      case 'batchNorm':
        return this.node(
          'BatchNormalization',
          [x, ...['weight', 'bias', 'running_mean', 'running_var'].map((s) => this.weight(`${o.key}.${s}`))],
          { epsilon: { float: EPS } },
        );
      case 'instanceNorm': {
        const c = o.channels;
        const scale = this.floatInit(`instance_norm_scale_${c}`, [c], new Float32Array(c).fill(1));
        const bias = this.floatInit(`instance_norm_bias_${c}`, [c], new Float32Array(c));
        return this.node('InstanceNormalization', [x, scale, bias], { epsilon: { float: EPS } });
      }
      case 'relu':
        return this.node('Relu', [x], {});
      case 'leakyRelu':
        return this.node('LeakyRelu', [x], { alpha: { float: o.alpha } });
      case 'tanh':
        return this.node('Tanh', [x], {});
      case 'residual':
        return this.node('Add', [x, this.emit(o.body, x)], {});
      case 'skip':
        return this.node('Concat', [x, this.emit(o.body, x)], { axis: 1 });
    }
  }
}
