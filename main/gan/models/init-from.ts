// Fine-tuning: a new model takes its starting weights from an earlier one — an imported reference
// generator, an imported CycleGAN pair, or another run's checkpoint. Only weights travel: the new
// run's optimisers, schedule and counters start fresh, as the new options say.
import path from 'node:path';
import { architectureKeys, modelDefinition } from '../../options/index.js';
import { loadCheckpoint } from '../checkpoint/store.js';
import { generatorMetaSchema, NET_PREFIX, stateDictWithPrefix } from './generator-file.js';
import type { GanModel } from './model.js';
import { parseMeta } from './model-checkpoint.js';

const isDiscriminator = (netName: string) => netName.startsWith('D');

function mismatch(file: string, diffs: string[]): Error {
  return new Error(
    `${path.basename(file)} cannot start this run: its weights are for ${diffs.join(', ')}; fine-tune with the same architecture`,
  );
}

/** The options that fix the shape of `file`'s generator(s), in the reference's names. */
export async function architectureOf(file: string): Promise<Record<string, unknown>> {
  const c = await loadCheckpoint(file);
  if ((c.meta as { kind?: unknown }).kind === 'tandem-generator') {
    const { arch } = generatorMetaSchema.parse(c.meta);
    return {
      netG: arch.netG,
      ngf: arch.ngf,
      norm: arch.norm,
      input_nc: arch.inputNc,
      output_nc: arch.outputNc,
      no_dropout: !arch.useDropout,
    };
  }
  const options = parseMeta(c, file).options;
  const o = options as unknown as Record<string, unknown>;
  return Object.fromEntries(architectureKeys(modelDefinition(options.model), true).map((k) => [k, o[k]]));
}

/**
 * Loads `file`'s weights into the freshly built `model`; returns a line saying what was taken.
 * `generatorsOnly`: the discriminators start fresh (an imported pair's were never trained).
 */
export async function initWeightsFrom(model: GanModel, file: string, opts: { generatorsOnly?: boolean } = {}): Promise<string> {
  let generatorsOnly = opts.generatorsOnly ?? false;
  const c = await loadCheckpoint(file);
  const kind = (c.meta as { kind?: unknown }).kind;
  const o = model.options;
  const nets = model.networks();
  if (kind === 'tandem-generator') {
    if (o.model === 'cut')
      throw new Error(`${path.basename(file)} holds a single generator; a CUT run fine-tunes from another CUT run's checkpoint`);
    const { arch } = generatorMetaSchema.parse(c.meta);
    const g = nets.get('G');
    if (!g)
      throw new Error(
        `${path.basename(file)} holds one generator; a CycleGAN needs both directions to fine-tune: import the pair (G_A and G_B)`,
      );
    const diffs: string[] = [];
    if (arch.netG !== o.netG) diffs.push(`netG ${arch.netG} (not ${o.netG})`);
    if (arch.ngf !== o.ngf) diffs.push(`ngf ${arch.ngf} (not ${o.ngf})`);
    if (arch.norm !== o.norm) diffs.push(`norm ${arch.norm} (not ${o.norm})`);
    if (arch.inputNc !== o.input_nc || arch.outputNc !== o.output_nc)
      diffs.push(`${arch.inputNc}→${arch.outputNc} channels (not ${o.input_nc}→${o.output_nc})`);
    if (arch.useDropout === o.no_dropout)
      diffs.push(arch.useDropout ? 'a generator with dropout (not --no_dropout)' : 'a generator without dropout (--no_dropout)');
    if (diffs.length) throw mismatch(file, diffs);
    g.loadTorchStateDict(stateDictWithPrefix(c, NET_PREFIX));
    return `starting from the generator in ${path.basename(file)}; the discriminator starts fresh`;
  }
  const meta = parseMeta(c, file);
  // At iteration 0 nothing was trained (an imported pair): its discriminators are only initialised.
  generatorsOnly ||= meta.progress.totalIters === 0;
  const from = meta.options as unknown as Record<string, unknown>;
  const own = o as unknown as Record<string, unknown>;
  if (meta.options.model !== o.model)
    throw new Error(`${path.basename(file)} is a ${meta.options.model} model; this run trains ${o.model}`);
  // Options that decide the shape of the weights: they must agree for the weights to load.
  const keys = architectureKeys(modelDefinition(o.model), generatorsOnly);
  const diffs = keys.filter((k) => from[k] !== own[k]).map((k) => `${k} ${String(from[k])} (not ${String(own[k])})`);
  if (diffs.length) throw mismatch(file, diffs);
  const taken: string[] = [];
  for (const [name, net] of nets) {
    if (generatorsOnly && isDiscriminator(name)) continue;
    const sd = stateDictWithPrefix(c, `net.${name}.`);
    if (sd.size === 0) continue;
    net.loadTorchStateDict(sd);
    taken.push(name);
  }
  if (taken.length === 0) throw new Error(`${path.basename(file)} holds no weights for this model`);
  const fresh = generatorsOnly ? '; discriminators and optimisers start fresh' : '; optimisers start fresh';
  return `starting from ${taken.join(', ')} of ${path.basename(file)} (iteration ${meta.progress.totalIters} there)${fresh}`;
}
