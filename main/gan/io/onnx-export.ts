import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import type { GeneratorArch } from '../networks/define.js';
import { sizeMultiple } from '../networks/define.js';
import type { Network } from '../networks/network.js';
import { exportableGraph } from './generator-graph.js';
import { floatValueInfo, OnnxGraphBuilder } from './onnx-graph-builder.js';

const { onnx } = onnxProto;

/** Opset 13 (IR version 7): the widest-supported opset with everything a generator needs. */
export const ONNX_OPSET = 13;
export const IR_VERSION = 7;

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
  const { sd, ops } = await exportableGraph(net, arch);
  const b = new OnnxGraphBuilder(sd);
  const out = b.emit(ops, 'input');
  b.node('Identity', [out], {}, 'output');
  const valueInfo = (name: string, c: number) => floatValueInfo(name, ['batch', c, 'height', 'width']);
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
