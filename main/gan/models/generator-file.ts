import { loadCheckpoint, saveCheckpoint } from '../checkpoint/store.js';
import type { CheckpointContents } from '../checkpoint/format.js';
import { defineG, GENERATORS, type GeneratorArch } from '../networks/define.js';
import type { Network, TorchTensor } from '../networks/network.js';
import { z } from 'zod';

/**
 * A generator on its own (what translation needs): an imported .pth, or one side of a trained
 * model. Training checkpoints (kind 'tandem-model') also hold generators; loadTranslator reads both.
 */
export const generatorArchSchema = z.object({
  netG: z.enum(GENERATORS),
  inputNc: z.number().int().min(1).max(4),
  outputNc: z.number().int().min(1).max(4),
  ngf: z.number().int().min(1).max(1024),
  norm: z.enum(['batch', 'instance', 'none']),
  useDropout: z.boolean(),
  antialias: z.object({ down: z.boolean(), up: z.boolean() }).optional(),
});

export const generatorMetaSchema = z.object({
  kind: z.literal('tandem-generator'),
  version: z.literal(1),
  arch: generatorArchSchema,
  /** Free-form provenance shown to the user: where the weights came from. */
  source: z.record(z.string(), z.unknown()).default({}),
});

export type GeneratorMeta = z.infer<typeof generatorMetaSchema>;

export const NET_PREFIX = 'net.G.';

export async function saveGeneratorFile(
  path: string,
  net: Network,
  arch: GeneratorArch,
  source: Record<string, unknown> = {},
): Promise<void> {
  const tensors = [...(await net.torchStateDict())].map(([key, t]) => ({
    name: `${NET_PREFIX}${key}`,
    dtype: t.data instanceof Int32Array ? ('int32' as const) : ('float32' as const),
    shape: t.shape,
    data: t.data,
  }));
  const meta: GeneratorMeta = { kind: 'tandem-generator', version: 1, arch, source };
  await saveCheckpoint(path, { meta: meta as unknown as Record<string, unknown>, tensors });
}

export function stateDictWithPrefix(c: CheckpointContents, prefix: string): Map<string, TorchTensor> {
  const out = new Map<string, TorchTensor>();
  for (const t of c.tensors) if (t.name.startsWith(prefix)) out.set(t.name.slice(prefix.length), { shape: t.shape, data: t.data });
  return out;
}

export interface LoadedTranslator {
  net: Network;
  arch: GeneratorArch;
  /** What the file is: a generator file, or a training checkpoint (with its iteration). */
  description: string;
}

/**
 * Opens any model file Tandem writes and returns the generator for `direction`: a generator file
 * (direction must be AtoB), a pix2pix checkpoint (G; AtoB only) or a CycleGAN checkpoint (G_A for
 * AtoB, G_B for BtoA). The training checkpoint's own `direction` option is already applied.
 */
export async function loadTranslator(path: string, direction: 'AtoB' | 'BtoA' = 'AtoB'): Promise<LoadedTranslator> {
  const c = await loadCheckpoint(path);
  const kind = (c.meta as { kind?: unknown }).kind;
  if (kind === 'tandem-generator') {
    const meta = generatorMetaSchema.parse(c.meta);
    if (direction !== 'AtoB') throw new Error(`${path} holds one generator; it translates in one direction only`);
    const net = defineG('G', meta.arch, null);
    loadOrDispose(net, stateDictWithPrefix(c, NET_PREFIX));
    return { net, arch: meta.arch, description: `generator ${meta.arch.netG} (${String(meta.source.from ?? 'Tandem')})` };
  }
  if (kind === 'tandem-model') {
    const meta = c.meta as { options: Record<string, unknown>; progress?: { totalIters?: number } };
    const o = meta.options as unknown as {
      model: string;
      netG: GeneratorArch['netG'];
      input_nc: number;
      output_nc: number;
      ngf: number;
      norm: GeneratorArch['norm'];
      no_dropout: boolean;
    } & CutArchOptions;
    const cyclegan = o.model === 'cyclegan';
    if (!cyclegan && direction !== 'AtoB') throw new Error(`${path} is a pix2pix model; it translates A→B only`);
    const name = cyclegan ? (direction === 'AtoB' ? 'G_A' : 'G_B') : 'G';
    const reversed = cyclegan && direction === 'BtoA';
    const arch: GeneratorArch = {
      netG: o.netG,
      inputNc: reversed ? o.output_nc : o.input_nc,
      outputNc: reversed ? o.input_nc : o.output_nc,
      ngf: o.ngf,
      norm: o.model === 'cut' ? o.normG! : o.norm,
      useDropout: !o.no_dropout,
      ...(o.model === 'cut' ? cutAntialias(o) : {}),
    };
    const net = defineG(name, arch, null);
    loadOrDispose(net, stateDictWithPrefix(c, `net.${name}.`));
    return { net, arch, description: `${o.model} checkpoint at iteration ${meta.progress?.totalIters ?? '?'} (${name})` };
  }
  throw new Error(`${path} is not a Tandem model (no generator inside); train one or import a .pth with 'tandem import-model'`);
}

interface CutArchOptions {
  normG?: GeneratorArch['norm'];
  no_antialias?: boolean;
  no_antialias_up?: boolean;
}

/** A CUT generator's resampling; with both anti-aliasing options off it is the reference's ResNet. */
function cutAntialias(o: CutArchOptions): Pick<GeneratorArch, 'antialias'> {
  const down = !o.no_antialias;
  const up = !o.no_antialias_up;
  return down || up ? { antialias: { down, up } } : {};
}

function loadOrDispose(net: Network, sd: Map<string, TorchTensor>): void {
  try {
    net.loadTorchStateDict(sd);
  } catch (e) {
    net.dispose();
    throw e;
  }
}
