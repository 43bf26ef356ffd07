import path from 'node:path';
import { defineG, type GeneratorArch } from '../networks/define.js';
import { type Network, StateDictMismatchError } from '../networks/network.js';
import { saveGeneratorFile } from '../models/generator-file.js';
import { createModel } from '../models/create-model.js';
import { saveModelCheckpoint } from '../models/model-checkpoint.js';
import type { CycleGanOptions } from '../models/options.js';
import { dropInstanceNormStats, inferGeneratorArch, type ArchOverrides } from './infer-arch.js';
import { type LoadedTensor, readTorchCheckpointFile, type TorchFormat } from './torch-checkpoint.js';
import { extractStateDict } from './torch-state-dict.js';

export class PthImportError extends Error {
  constructor(
    message: string,
    readonly missing: string[] = [],
    readonly unexpected: string[] = [],
    readonly wrongShape: string[] = [],
  ) {
    super(message);
    this.name = 'PthImportError';
  }
}

export interface PthGenerator {
  net: Network;
  arch: GeneratorArch;
  format: TorchFormat;
  /** Number of state_dict keys loaded (after dropping pre-0.4 InstanceNorm statistics). */
  keys: number;
  params: number;
  notes: string[];
}

/** Reads a .pth generator state_dict, infers (or takes) its architecture and loads it into a Network. */
export async function loadPthGenerator(file: string, overrides: ArchOverrides = {}, name = 'G'): Promise<PthGenerator> {
  const ckpt = await readTorchCheckpointFile(file);
  const label = path.basename(file);
  const { stateDict, foundAt, strippedPrefix } = extractStateDict(ckpt.object, label);
  const notes: string[] = [];
  if (foundAt) notes.push(`state_dict found under '${foundAt}'`);
  if (strippedPrefix) notes.push(`removed the '${strippedPrefix}' prefix (nn.DataParallel) from every key`);
  const sd = new Map<string, LoadedTensor>(stateDict);
  const dropped = dropInstanceNormStats(sd);
  if (dropped.length) notes.push(`dropped ${dropped.length} InstanceNorm running statistics of PyTorch < 0.4 (as the reference does)`);
  const converted = [...sd.values()].filter((t) => t.dtype === 'float16' || t.dtype === 'float64' || t.dtype === 'bfloat16');
  if (converted.length) notes.push(`converted ${converted.length} ${converted[0]!.dtype} tensors to float32`);
  const inferred = inferGeneratorArch(sd, overrides);
  notes.push(...inferred.notes);
  const arch = inferred.arch;
  const net = defineG(name, arch, null);
  try {
    net.loadTorchStateDict(sd);
  } catch (e) {
    net.dispose();
    if (e instanceof StateDictMismatchError) {
      const stated = Object.keys(overrides).length
        ? ` with ${Object.entries(overrides)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(', ')} as given`
        : '';
      throw new PthImportError(
        `${label} does not fit a ${arch.netG} generator (ngf ${arch.ngf}, norm ${arch.norm})${stated}: ${e.message.replace(/^the weights do not fit \S+: /, '')}`,
        e.missing,
        e.unexpected,
        e.wrongShape,
      );
    }
    throw e;
  }
  return { net, arch, format: ckpt.format, keys: sd.size, params: net.parameterCount(), notes };
}

export interface ImportResult {
  arch: GeneratorArch;
  outPath: string;
  keys: number;
  params: number;
  format: TorchFormat;
  notes: string[];
}

/** Imports a reference generator (.pth, zip or legacy) as a Tandem generator file. */
export async function importPthModel(file: string, outPath: string, overrides: ArchOverrides = {}): Promise<ImportResult> {
  const g = await loadPthGenerator(file, overrides);
  try {
    await saveGeneratorFile(outPath, g.net, g.arch, { from: 'pytorch', file: path.basename(file), format: g.format, notes: g.notes });
  } finally {
    g.net.dispose();
  }
  return { arch: g.arch, outPath, keys: g.keys, params: g.params, format: g.format, notes: g.notes };
}

/** Training options for the CycleGAN built around imported generators (the architecture comes from the files). */
export type CycleGanPairOptions = Partial<
  Omit<CycleGanOptions, 'model' | 'netG' | 'ngf' | 'norm' | 'input_nc' | 'output_nc' | 'no_dropout'>
> & {
  overrides?: ArchOverrides;
};

export interface CycleGanPairResult {
  outPath: string;
  archA: GeneratorArch;
  archB: GeneratorArch;
  format: TorchFormat;
  /** Both generators' parameters. */
  params: number;
  notes: string[];
}

/**
 * The reference's CycleGAN zoo ships G_A (A→B) and G_B (B→A) as two .pth files: builds a CycleGAN
 * with their architecture, loads both generators (the discriminators stay freshly initialised) and
 * saves a training checkpoint at epoch 1, iteration 0, so training (fine-tuning) can continue.
 */
export async function importCycleGanPair(
  pathA: string,
  pathB: string,
  outPath: string,
  options: CycleGanPairOptions = {},
): Promise<CycleGanPairResult> {
  const { overrides = {}, ...training } = options;
  const a = await loadPthGenerator(pathA, overrides, 'G_A');
  let b: PthGenerator;
  try {
    b = await loadPthGenerator(pathB, { ...overrides, inputNc: overrides.outputNc, outputNc: overrides.inputNc }, 'G_B');
  } catch (e) {
    a.net.dispose();
    throw e;
  }
  try {
    const [x, y] = [a.arch, b.arch];
    const differ = (['netG', 'ngf', 'norm'] as const).filter((k) => x[k] !== y[k]);
    if (differ.length) {
      throw new PthImportError(
        `${path.basename(pathA)} and ${path.basename(pathB)} are not a CycleGAN pair: ${differ.map((k) => `${k} ${String(x[k])} vs ${String(y[k])}`).join(', ')}`,
      );
    }
    if (x.inputNc !== y.outputNc || x.outputNc !== y.inputNc) {
      throw new PthImportError(
        `${path.basename(pathA)} maps ${x.inputNc}→${x.outputNc} channels but ${path.basename(pathB)} maps ${y.inputNc}→${y.outputNc}; G_B must map back (${x.outputNc}→${x.inputNc})`,
      );
    }
    const model = createModel({
      model: 'cyclegan',
      ...(x.inputNc !== x.outputNc ? { lambda_identity: 0 } : {}),
      ...training,
      netG: x.netG,
      ngf: x.ngf,
      norm: x.norm,
      // Training reads gray or colour images; other channel counts are refused by the options schema.
      input_nc: x.inputNc as 1 | 3,
      output_nc: x.outputNc as 1 | 3,
      no_dropout: !x.useDropout,
    });
    try {
      const nets = model.networks();
      nets.get('G_A')!.loadTorchStateDict(await a.net.torchStateDict());
      nets.get('G_B')!.loadTorchStateDict(await b.net.torchStateDict());
      await saveModelCheckpoint(outPath, model, { epoch: 1, epochIter: 0, totalIters: 0 });
    } finally {
      model.dispose();
    }
    return {
      outPath,
      archA: x,
      archB: y,
      format: a.format,
      params: a.params + b.params,
      notes: [...a.notes.map((n) => `G_A ${n}`), ...b.notes.map((n) => `G_B ${n}`)],
    };
  } finally {
    a.net.dispose();
    b.net.dispose();
  }
}
