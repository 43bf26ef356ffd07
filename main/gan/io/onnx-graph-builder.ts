import onnxProto from 'onnx-proto';
import { NORM_EPS } from '../layers/norm.js';
import type { TorchTensor } from '../networks/network.js';
import type { GenOp } from './generator-graph.js';

const { onnx } = onnxProto;

/** A float tensor's name and shape, a number per fixed dim and a name per free one. */
export function floatValueInfo(name: string, dims: ReadonlyArray<number | string>): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** ONNX nodes and initializers for generator ops, weights taken from a state_dict by key. */
type Attr = number | number[] | string | { float: number };

export class OnnxGraphBuilder {
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

  floatInit(name: string, dims: number[], data: Float32Array): string {
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

  /** A square, ungrouped Conv or ConvTranspose reading `key.weight` (and `key.bias`); `extra` goes before dilations. */
  private convNode(
    opType: 'Conv' | 'ConvTranspose',
    o: { key: string; kernel: number; stride: number; padding: number; bias: boolean },
    x: string,
    extra: Record<string, Attr>,
  ): string {
    const inputs = [x, this.weight(`${o.key}.weight`), ...(o.bias ? [this.weight(`${o.key}.bias`)] : [])];
    const p = o.padding;
    return this.node(opType, inputs, {
      kernel_shape: [o.kernel, o.kernel],
      strides: [o.stride, o.stride],
      pads: [p, p, p, p],
      ...extra,
      dilations: [1, 1],
      group: 1,
    });
  }

  emit(ops: readonly GenOp[], input: string): string {
    let x = input;
    for (const o of ops) x = this.emitOne(o, x);
    return x;
  }

  emitOne(o: GenOp, x: string): string {
    switch (o.op) {
      case 'reflectPad': {
        const p = o.pad;
        return this.node('Pad', [x, this.int64Init(`pads_reflect_${p}`, [0, 0, p, p, 0, 0, p, p])], { mode: 'reflect' });
      }
      case 'conv':
        return this.convNode('Conv', o, x, {});
      case 'convTranspose':
        return this.convNode('ConvTranspose', o, x, { output_padding: [o.outputPadding, o.outputPadding] });
      case 'batchNorm':
        return this.node(
          'BatchNormalization',
          [x, ...['weight', 'bias', 'running_mean', 'running_var'].map((s) => this.weight(`${o.key}.${s}`))],
          { epsilon: { float: NORM_EPS } },
        );
      case 'instanceNorm': {
        const c = o.channels;
        const scale = this.floatInit(`instance_norm_scale_${c}`, [c], new Float32Array(c).fill(1));
        const bias = this.floatInit(`instance_norm_bias_${c}`, [c], new Float32Array(c));
        return this.node('InstanceNormalization', [x, scale, bias], { epsilon: { float: NORM_EPS } });
      }
      case 'blurPool': {
        const padded = this.node('Pad', [x, this.int64Init('pads_reflect_1', [0, 0, 1, 1, 0, 0, 1, 1])], { mode: 'reflect' });
        return this.node('Conv', [padded, this.weight(`${o.key}.filt`)], {
          kernel_shape: [3, 3],
          strides: [2, 2],
          pads: [0, 0, 0, 0],
          dilations: [1, 1],
          group: o.channels,
        });
      }
      case 'upsample': {
        const scales = this.floatInit('resize_scales_2x', [4], Float32Array.from([1, 1, 2, 2]));
        return this.node('Resize', [x, '', scales], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' });
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
