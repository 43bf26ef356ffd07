import { GENERATORS, type GeneratorArch, type NetG } from '../networks/define.js';
import type { NormType } from '../layers/norm.js';
import { UNET_DOWNSAMPLINGS } from '../networks/geometry.js';

/** What the user may state instead of what the keys suggest. */
export interface ArchOverrides {
  netG?: NetG;
  norm?: NormType;
  ngf?: number;
  inputNc?: number;
  outputNc?: number;
  useDropout?: boolean;
}

export interface InferredArch {
  arch: GeneratorArch;
  /** How each field was decided, for the user ("norm: batch (running_mean keys)"). */
  notes: string[];
}

export class ArchInferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchInferenceError';
  }
}

type Shapes = ReadonlyMap<string, { shape: readonly number[] }>;

/**
 * Checkpoints saved by PyTorch < 0.4 (the reference's 2017 model zoo) carry running_mean /
 * running_var for InstanceNorm2d layers, which have no affine weight. The reference's
 * __patch_instance_norm_state_dict deletes them; so does this (returns the dropped keys).
 */
export function dropInstanceNormStats<T>(sd: Map<string, T>): string[] {
  const dropped: string[] = [];
  for (const key of [...sd.keys()]) {
    const m = /^(.*)\.(running_mean|running_var|num_batches_tracked)$/.exec(key);
    if (m && !sd.has(`${m[1]}.weight`)) {
      sd.delete(key);
      dropped.push(key);
    }
  }
  return dropped;
}

function shapeOf(sd: Shapes, key: string): readonly number[] | undefined {
  return sd.get(key)?.shape;
}

function describeKeys(sd: Shapes): string {
  const keys = [...sd.keys()];
  return keys.length > 6 ? `${keys.slice(0, 6).join(', ')} … (${keys.length} keys)` : keys.join(', ') || 'no keys';
}

/**
 * The reference's generator from its state_dict's keys and shapes (or CUT's anti-aliased ResNet,
 * told by its filt buffers): ResNet (model.1.weight is a 7×7 conv) or U-Net (model.model.0.weight is a 4×4 conv); blocks or depth, ngf, channels, norm and,
 * for ResNets, dropout (it shifts the second conv of each block from index 5 to 6). A U-Net's
 * dropout leaves no trace in the keys; it defaults to on (the reference's pix2pix default).
 */
export function inferGeneratorArch(sd: Shapes, overrides: ArchOverrides = {}): InferredArch {
  const notes: string[] = [];
  const resnetFirst = shapeOf(sd, 'model.1.weight');
  const unetFirst = shapeOf(sd, 'model.model.0.weight');
  let inferred: GeneratorArch;
  if (resnetFirst?.length === 4 && resnetFirst[2] === 7) {
    inferred = inferResnet(sd, resnetFirst, notes);
  } else if (unetFirst?.length === 4 && unetFirst[2] === 4) {
    inferred = inferUnet(sd, unetFirst, notes);
  } else if (overrides.netG && overrides.ngf && overrides.norm) {
    inferred = { netG: overrides.netG, ngf: overrides.ngf, norm: overrides.norm, inputNc: 3, outputNc: 3, useDropout: false };
    notes.push('the keys match no known generator; using the given netG, ngf and norm');
  } else {
    throw new ArchInferenceError(
      `the keys are not those of a pytorch-CycleGAN-and-pix2pix generator (no model.1.weight 7×7 conv, no model.model.0.weight 4×4 conv; found ${describeKeys(sd)}). ` +
        'If it is one, give netG, ngf and norm explicitly; a discriminator or a whole training checkpoint cannot be imported as a generator.',
    );
  }
  const arch: GeneratorArch = { ...inferred };
  for (const k of ['netG', 'norm', 'ngf', 'inputNc', 'outputNc', 'useDropout'] as const) {
    const v = overrides[k];
    if (v === undefined) continue;
    if (v !== inferred[k]) notes.push(`${k}: ${String(v)} as given (the keys suggest ${String(inferred[k])})`);
    (arch as unknown as Record<string, unknown>)[k] = v;
  }
  if (!GENERATORS.includes(arch.netG)) throw new ArchInferenceError(`unknown netG '${arch.netG}'; known: ${GENERATORS.join(', ')}`);
  return { arch, notes };
}

function inferResnet(sd: Shapes, first: readonly number[], notes: string[]): GeneratorArch {
  const ngf = first[0]!;
  const inputNc = first[1]!;
  const blocks = new Set<number>();
  let dropoutBlocks = 0;
  let plainBlocks = 0;
  let lastIndex = -1;
  for (const key of sd.keys()) {
    const m = /^model\.(\d+)\./.exec(key);
    if (m) lastIndex = Math.max(lastIndex, Number(m[1]));
    const b = /^model\.(\d+)\.conv_block\.(\d+)\.weight$/.exec(key);
    if (!b) continue;
    blocks.add(Number(b[1]));
    if (b[2] === '6' && sd.get(key)?.shape.length === 4) dropoutBlocks++;
    if (b[2] === '5' && sd.get(key)?.shape.length === 4) plainBlocks++;
  }
  const last = shapeOf(sd, `model.${lastIndex}.weight`);
  if (!last || last.length !== 4) throw new ArchInferenceError(`a ResNet generator without its last conv (model.${lastIndex}.weight)`);
  const nBlocks = blocks.size;
  let netG: NetG;
  if (nBlocks === 9) netG = 'resnet_9blocks';
  else if (nBlocks === 6) netG = 'resnet_6blocks';
  else
    throw new ArchInferenceError(
      `a ResNet generator with ${nBlocks} residual blocks; Tandem builds resnet_6blocks and resnet_9blocks only`,
    );
  const norm: NormType =
    sd.has('model.2.running_mean') || sd.has('model.2.weight') ? 'batch' : sd.has('model.1.bias') ? 'instance' : 'none';
  const useDropout = dropoutBlocks > 0 && plainBlocks === 0;
  // CUT's anti-aliased ResNet keeps its blur filters as buffers: 3×3 on the way down, 4×4 on the way up.
  const filters = [...sd.entries()].filter(([k]) => /^model\.\d+\.filt$/.test(k)).map(([, t]) => t.shape[2]);
  const antialias = { down: filters.includes(3), up: filters.includes(4) };
  if (antialias.down || antialias.up)
    notes.push(
      `CUT's anti-aliased resampling (filt buffers):${antialias.down ? ' blur-pool down' : ''}${antialias.up ? ' blurred ×2 up' : ''}`,
    );
  notes.push(
    `netG: ${netG} (${nBlocks} residual blocks)`,
    `ngf: ${ngf} (first conv's output channels)`,
    `norm: ${norm} (${norm === 'batch' ? 'batch-norm weights and running stats' : norm === 'instance' ? 'convs with biases and no norm parameters' : 'convs without biases and no norm parameters'})`,
    `dropout: ${useDropout ? 'on (second conv of each block at index 6)' : 'off'}`,
  );
  return { netG, inputNc, outputNc: last[0]!, ngf, norm, useDropout, ...(antialias.down || antialias.up ? { antialias } : {}) };
}

function inferUnet(sd: Shapes, first: readonly number[], notes: string[]): GeneratorArch {
  const ngf = first[0]!;
  const inputNc = first[1]!;
  // Block d (0 = outermost) holds its submodule at index 1 (outermost) or 3 (the others), so
  // block d ≥ 1 lives under "model.model.1" + ".model.3" × (d - 1) + ".model.".
  let depth = 0;
  const blockPrefix = (d: number) => (d === 0 ? 'model.model.' : `model.model.1${'.model.3'.repeat(d - 1)}.model.`);
  const keys = [...sd.keys()];
  while (keys.some((k) => k.startsWith(blockPrefix(depth + 1)))) depth++;
  const numDowns = depth + 1;
  const unets = Object.entries(UNET_DOWNSAMPLINGS) as Array<[NetG, number]>;
  const netG = unets.find(([, downs]) => downs === numDowns)?.[0];
  if (!netG) {
    const built = unets.map(([name, downs]) => `${name} (${downs})`).join(' and ');
    throw new ArchInferenceError(`a U-Net with ${numDowns} downsamplings; Tandem builds ${built} only`);
  }
  const up = shapeOf(sd, 'model.model.3.weight');
  if (!up || up.length !== 4) throw new ArchInferenceError('a U-Net generator without its outermost up-conv (model.model.3.weight)');
  const second = 'model.model.1.model.';
  const norm: NormType =
    sd.has(`${second}2.running_mean`) || sd.has(`${second}2.weight`) ? 'batch' : sd.has(`${second}1.bias`) ? 'instance' : 'none';
  notes.push(
    `netG: ${netG} (${numDowns} downsamplings)`,
    `ngf: ${ngf} (first conv's output channels)`,
    `norm: ${norm} (${norm === 'batch' ? 'batch-norm weights and running stats' : norm === 'instance' ? 'convs with biases and no norm parameters' : 'convs without biases and no norm parameters'})`,
    'dropout: assumed on (a U-Net keeps no trace of it in its keys; it only matters outside eval mode)',
  );
  return { netG, inputNc, outputNc: up[1]!, ngf, norm, useDropout: true };
}
