import type { GenOp } from '../io/generator-graph.js';

/**
 * A ResNet generator cut into stages for exact tiled translation. Instance norm needs the mean and
 * variance of the whole image at each norm layer, and the statistics of a layer depend on the
 * normalised outputs of every layer before it. So the network runs one stage at a time over the
 * whole image (in tiles): a stage starts at a norm layer, normalising with statistics already
 * taken over the whole image, and runs up to the next norm layer, whose input it stores in full
 * and whose statistics it accumulates on the way. The last stage ends with the image.
 *
 * Residual blocks become flat: `save` stores the block's input (a full-size map) and `addSaved`
 * adds it back in a later stage. CUT's blur pool and blurred ×2 upsampling are local, as convs
 * are: they stay inside their stage (tile-geometry.ts follows their strides and padding).
 */
export type StageOp =
  | Exclude<GenOp, { op: 'residual' } | { op: 'skip' } | { op: 'instanceNorm' } | { op: 'batchNorm' }>
  /** The stage's entry: normalise the stored map with whole-image statistics (instance norm). */
  | { op: 'instanceNormWith'; key: string; channels: number }
  /** Batch norm in eval mode: an affine map with the running statistics (no statistics to gather). */
  | { op: 'batchNorm'; key: string; channels: number }
  | { op: 'save'; slot: number; channels: number }
  | { op: 'addSaved'; slot: number };

export interface Stage {
  index: number;
  ops: StageOp[];
  inChannels: number;
  outChannels: number;
  /** The norm layer whose input this stage produces (statistics to gather), if any. */
  gathers?: { key: string; channels: number; kind: 'instance' | 'batch' };
  /** Slots this stage saves for later stages (a slot saved and read within a stage stays in it). */
  saves: number[];
  /** Slots saved by earlier stages that this stage reads. */
  reads: number[];
}

/** Output channels of an op given its input's, for ops that change them. */
function channelsAfter(op: StageOp, c: number): number {
  return op.op === 'conv' || op.op === 'convTranspose' ? op.outC : c;
}

/**
 * Flattens a generator's op tree and cuts it before every norm layer. Skip connections (U-Net)
 * are refused: a U-Net's innermost layer sees the whole image, so it is never tiled.
 */
export function stageProgram(graph: readonly GenOp[], inputChannels: number): Stage[] {
  const flat: Array<StageOp | { op: 'cut'; key: string; channels: number; kind: 'instance' | 'batch' }> = [];
  let slots = 0;
  const walk = (ops: readonly GenOp[], channels: number): number => {
    let c = channels;
    for (const o of ops) {
      switch (o.op) {
        case 'skip':
          throw new Error('a U-Net cannot be cut into stages (its innermost layer sees the whole image)');
        case 'residual': {
          const slot = slots++;
          flat.push({ op: 'save', slot, channels: c });
          const out = walk(o.body, c);
          if (out !== c) throw new Error(`a residual block changes ${c} channels to ${out}`);
          flat.push({ op: 'addSaved', slot });
          break;
        }
        case 'instanceNorm':
        case 'batchNorm':
          flat.push({ op: 'cut', key: o.key, channels: o.channels, kind: o.op === 'instanceNorm' ? 'instance' : 'batch' });
          break;
        default:
          flat.push(o);
          c = channelsAfter(o, c);
      }
    }
    return c;
  };
  walk(graph, inputChannels);

  const stages: Stage[] = [];
  let current: Stage = { index: 0, ops: [], inChannels: inputChannels, outChannels: inputChannels, saves: [], reads: [] };
  for (const o of flat) {
    if (o.op === 'cut') {
      current.gathers = { key: o.key, channels: o.channels, kind: o.kind };
      stages.push(current);
      const entry: StageOp =
        o.kind === 'instance'
          ? { op: 'instanceNormWith', key: o.key, channels: o.channels }
          : { op: 'batchNorm', key: o.key, channels: o.channels };
      current = { index: stages.length, ops: [entry], inChannels: o.channels, outChannels: o.channels, saves: [], reads: [] };
      continue;
    }
    current.ops.push(o);
    current.outChannels = channelsAfter(o, current.outChannels);
  }
  stages.push(current);
  const savedIn = new Map<number, number>();
  for (const st of stages) for (const o of st.ops) if (o.op === 'save') savedIn.set(o.slot, st.index);
  for (const st of stages) {
    for (const o of st.ops) {
      if (o.op !== 'addSaved' || savedIn.get(o.slot) === st.index) continue;
      st.reads.push(o.slot);
      stages[savedIn.get(o.slot)!]!.saves.push(o.slot);
    }
  }
  return stages;
}
