import onnxProto from 'onnx-proto';
import { NORM_EPS } from '../layers/norm.js';
import { IR_VERSION, ONNX_OPSET } from '../io/onnx-export.js';
import { floatValueInfo, OnnxGraphBuilder } from '../io/onnx-graph-builder.js';
import type { Feeds, OrtWorkerPool, WorkerSessionOptions } from '../io/onnx-workers.js';
import type { TorchTensor } from '../networks/network.js';
import type { Stage } from './stage-program.js';
import type { StageResult, StageRunner } from './staged-translate.js';

const { onnx } = onnxProto;

const saveName = (slot: number) => `save_${slot}`;
const savedName = (slot: number) => `saved_${slot}`;

/**
 * One stage as an ONNX model: input `x` (NCHW, any height and width); `mean`/`variance` for an
 * instance-norm entry, applied as an inference-mode BatchNormalization with unit scale and zero
 * bias, exactly instance norm with given statistics; `saved_i` for maps added back; outputs `y`
 * and `save_i`. Weights come from the generator's state_dict by key.
 */
export function stageModel(stage: Stage, stateDict: Map<string, TorchTensor>): Uint8Array {
  const b = new OnnxGraphBuilder(stateDict);
  const inputs = [floatValueInfo('x', [1, stage.inChannels, 'h', 'w'])];
  const outputs: onnxProto.onnx.IValueInfoProto[] = [];
  const local = new Map<number, string>();
  let x = 'x';
  let channels = stage.inChannels;
  for (const o of stage.ops) {
    switch (o.op) {
      case 'instanceNormWith': {
        inputs.push(floatValueInfo('mean', [o.channels]), floatValueInfo('variance', [o.channels]));
        const scale = b.floatInit(`unit_scale_${o.channels}`, [o.channels], new Float32Array(o.channels).fill(1));
        const bias = b.floatInit(`zero_bias_${o.channels}`, [o.channels], new Float32Array(o.channels));
        x = b.node('BatchNormalization', [x, scale, bias, 'mean', 'variance'], { epsilon: { float: NORM_EPS } });
        break;
      }
      case 'batchNorm':
        x = b.emitOne({ op: 'batchNorm', key: o.key, channels: o.channels }, x);
        break;
      case 'save':
        local.set(o.slot, x);
        if (stage.saves.includes(o.slot)) {
          b.node('Identity', [x], {}, saveName(o.slot));
          outputs.push(floatValueInfo(saveName(o.slot), [1, o.channels, 'hs', 'ws']));
        }
        break;
      case 'addSaved': {
        let other = local.get(o.slot);
        if (!other) {
          other = savedName(o.slot);
          inputs.push(floatValueInfo(other, [1, channels, `h${o.slot}`, `w${o.slot}`]));
        }
        x = b.node('Add', [x, other], {});
        break;
      }
      default:
        x = b.emitOne(o, x);
        if (o.op === 'conv' || o.op === 'convTranspose') channels = o.outC;
    }
  }
  b.node('Identity', [x], {}, 'y');
  outputs.unshift(floatValueInfo('y', [1, stage.outChannels, 'oh', 'ow']));
  const model: onnxProto.onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'Tandem',
    graph: { name: `stage_${stage.index}`, node: b.nodes, initializer: b.initializers, input: inputs, output: outputs },
  };
  return onnx.ModelProto.encode(model).finish();
}

/** Stages on onnxruntime workers: each stage a session in every worker, tiles spread over them. */
export async function onnxStageRunner(
  pool: OrtWorkerPool,
  stages: readonly Stage[],
  stateDict: Map<string, TorchTensor>,
  options: WorkerSessionOptions,
  prefix: string,
): Promise<StageRunner> {
  // A session per stage: without an arena each frees its tile's memory when the run returns.
  for (const stage of stages)
    await pool.open(`${prefix}${stage.index}`, stageModel(stage, stateDict), { ...options, enableCpuMemArena: false });
  return {
    concurrency: pool.size,
    async run(stage, tile): Promise<StageResult> {
      const feeds: Feeds = { x: { data: tile.input, dims: [1, stage.inChannels, tile.height, tile.width] } };
      if (stage.ops[0]?.op === 'instanceNormWith') {
        if (!tile.stats) throw new Error(`stage ${stage.index} needs whole-image statistics`);
        const c = stage.inChannels;
        feeds['mean'] = { data: tile.stats.mean, dims: [c] };
        feeds['variance'] = { data: tile.stats.variance, dims: [c] };
      }
      for (const [slot, s] of tile.saved)
        feeds[savedName(slot)] = { data: s.data, dims: [1, s.data.length / (s.height * s.width), s.height, s.width] };
      const transfer = [tile.input, ...[...tile.saved.values()].map((s) => s.data)].map((a) => a.buffer as ArrayBuffer);
      const out = await pool.run(`${prefix}${stage.index}`, feeds, transfer);
      const y = out['y'];
      if (!y) throw new Error(`stage ${stage.index} gave no output`);
      return { output: y.data, saves: new Map(stage.saves.map((slot) => [slot, out[saveName(slot)]!.data])) };
    },
  };
}
