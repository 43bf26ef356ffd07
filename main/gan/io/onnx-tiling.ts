import onnxProto from 'onnx-proto';
import { floatValueInfo } from './onnx-graph-builder.js';

const { onnx } = onnxProto;
type Model = onnxProto.onnx.IModelProto;
type Node = onnxProto.onnx.INodeProto;

/**
 * Two derived graphs of a Tandem .onnx for tiled translation with instance norm, built in memory
 * (the exported file keeps its single input and output):
 * - `stats`: input → for the i-th InstanceNormalization, `in_mean_i` and `in_var_i` ([N,C,1,1]):
 *   the per-channel mean and biased variance it normalises with in the normal forward pass.
 * - `tiles`: input, `in_mean_i`, `in_var_i` ([C]) → output, each InstanceNormalization replaced
 *   by an inference-mode BatchNormalization over those statistics (same scale, bias, epsilon):
 *   (x − mean)/√(var + ε)·scale + bias, exactly instance norm with the statistics given.
 */
export interface InstanceNormGraphs {
  stats: Uint8Array;
  tiles: Uint8Array;
  /** Per instance norm, in graph order: its statistics' names and channel count. */
  layers: Array<{ mean: string; variance: string; channels: number }>;
}

/** null when the graph has no InstanceNormalization (tiles need no shared statistics). */
export function instanceNormGraphs(model: Model): InstanceNormGraphs | null {
  const graph = model.graph;
  if (!graph?.node) return null;
  const norms = graph.node.filter((n) => n.opType === 'InstanceNormalization');
  if (norms.length === 0) return null;
  const channelsOf = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', Number(t.dims?.[0] ?? 0)]));
  const layers = norms.map((n, i) => {
    const channels = channelsOf.get(n.input?.[1] ?? '') ?? 0;
    if (!channels) throw new Error(`InstanceNormalization ${n.name ?? i} has no constant scale; cannot share its statistics`);
    return { mean: `in_mean_${i}`, variance: `in_var_${i}`, channels };
  });
  const T = onnx.AttributeProto.AttributeType;
  const reduceMean = (input: string, output: string): Node => ({
    name: `stats_${output}`,
    opType: 'ReduceMean',
    input: [input],
    output: [output],
    attribute: [
      { name: 'axes', type: T.INTS, ints: [2, 3] },
      { name: 'keepdims', type: T.INT, i: 1 },
    ],
  });

  // Statistics: the graph as it is plus, per norm, mean and E[(x − mean)²] of its input.
  const statsNodes: Node[] = [...graph.node];
  norms.forEach((n, i) => {
    const x = n.input![0]!;
    const { mean, variance } = layers[i]!;
    statsNodes.push(
      reduceMean(x, mean),
      { name: `stats_centred_${i}`, opType: 'Sub', input: [x, mean], output: [`in_centred_${i}`] },
      { name: `stats_squared_${i}`, opType: 'Mul', input: [`in_centred_${i}`, `in_centred_${i}`], output: [`in_squared_${i}`] },
      reduceMean(`in_squared_${i}`, variance),
    );
  });
  const statsOutputs = layers.flatMap((l) => [
    floatValueInfo(l.mean, ['batch', l.channels, 1, 1]),
    floatValueInfo(l.variance, ['batch', l.channels, 1, 1]),
  ]);
  const live = withoutDeadNodes(
    statsNodes,
    statsOutputs.map((o) => o.name!),
  );
  // Unused initializers would have onnxruntime print a warning for each one it drops.
  const used = new Set(live.flatMap((n) => n.input ?? []));
  const stats: Model = {
    ...model,
    graph: { ...graph, node: live, initializer: (graph.initializer ?? []).filter((t) => used.has(t.name ?? '')), output: statsOutputs },
  };

  const tileNodes = graph.node.map((n): Node => {
    const i = norms.indexOf(n);
    if (i < 0) return n;
    const { mean, variance } = layers[i]!;
    const epsilon = n.attribute?.find((a) => a.name === 'epsilon');
    return {
      name: `${n.name ?? `norm_${i}`}_shared`,
      opType: 'BatchNormalization',
      input: [n.input![0]!, n.input![1]!, n.input![2]!, mean, variance],
      output: n.output,
      attribute: epsilon ? [epsilon] : [],
    };
  });
  const tileInputs = layers.flatMap((l) => [floatValueInfo(l.mean, [l.channels]), floatValueInfo(l.variance, [l.channels])]);
  const tiles: Model = { ...model, graph: { ...graph, node: tileNodes, input: [...(graph.input ?? []), ...tileInputs] } };

  return { stats: onnx.ModelProto.encode(stats).finish(), tiles: onnx.ModelProto.encode(tiles).finish(), layers };
}

/** Nodes (in order) that some wanted output depends on: the stats graph needs no final layers. */
function withoutDeadNodes(nodes: readonly Node[], outputs: readonly string[]): Node[] {
  const needed = new Set(outputs);
  const keep: boolean[] = new Array<boolean>(nodes.length).fill(false);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (!(n.output ?? []).some((o) => needed.has(o))) continue;
    keep[i] = true;
    for (const x of n.input ?? []) needed.add(x);
  }
  return nodes.filter((_, i) => keep[i]);
}
