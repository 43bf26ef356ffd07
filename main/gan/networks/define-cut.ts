import { ParamRegistry } from '../layers/params.js';
import { CutGenerator } from './cut-generator.js';
import { cutNLayerDiscriminator } from './cut-discriminator.js';
import { defineD, type DiscriminatorArch, type GeneratorArch } from './define.js';
import { RESNET_BLOCKS } from './geometry.js';
import { initNet, type InitSpec } from './init.js';
import type { Network } from './network.js';
import { PatchSampleF } from './patch-sample-f.js';

/** CUT's options name the anti-aliasing by what turns it off, as the official flags do. */
export interface CutGeneratorArch extends Omit<GeneratorArch, 'antialias'> {
  noAntialias: boolean;
  noAntialiasUp: boolean;
}

export interface CutDiscriminatorArch extends DiscriminatorArch {
  noAntialias: boolean;
}

/** The official CUT define_G (ResNet generators): build, then init unless weights will be loaded. */
export function defineCutG(name: string, a: CutGeneratorArch, init: InitSpec | null): CutGenerator {
  const nBlocks = (RESNET_BLOCKS as Record<string, number>)[a.netG];
  if (nBlocks === undefined) throw new Error(`CUT's generator is a ResNet (${Object.keys(RESNET_BLOCKS).join(' or ')}), not ${a.netG}`);
  return initNet(new CutGenerator(name, new ParamRegistry(name), { ...a, nBlocks }), init);
}

/** The official CUT define_D: the reference's, with its PatchGAN anti-aliased unless --no_antialias. */
export function defineCutD(name: string, a: CutDiscriminatorArch, init: InitSpec | null): Network {
  return defineD(name, a, init, (params, spec) => cutNLayerDiscriminator(params, { ...spec, noAntialias: a.noAntialias }));
}

/** The official define_F for 'mlp_sample': one MLP per tapped generator layer (init_net re-initialises all of F). */
export function defineF(name: string, g: CutGenerator, nceLayers: readonly number[], nc: number, init: InitSpec | null): PatchSampleF {
  const channels = nceLayers.map((l) => {
    const c = g.channels[l];
    if (c === undefined) throw new Error(`--nce_layers ${nceLayers.join(',')}: the generator has layers 0 to ${g.channels.length - 1}`);
    return c;
  });
  return initNet(new PatchSampleF(name, channels, nc), init);
}
