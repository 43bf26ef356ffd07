import type { NormType } from '../layers/norm.js';
import { ParamRegistry } from '../layers/params.js';
import { CutGenerator } from './cut-generator.js';
import { cutNLayerDiscriminator } from './cut-discriminator.js';
import type { InitSpec } from './define.js';
import { pixelDiscriminator } from './discriminators.js';
import { discriminatorHalvings, RESNET_BLOCKS } from './geometry.js';
import { initWeights } from './init.js';
import type { NetD, NetG } from './names.js';
import { Network } from './network.js';
import { PatchSampleF } from './patch-sample-f.js';

export interface CutGeneratorArch {
  netG: NetG;
  inputNc: number;
  outputNc: number;
  ngf: number;
  norm: NormType;
  useDropout: boolean;
  noAntialias: boolean;
  noAntialiasUp: boolean;
}

export interface CutDiscriminatorArch {
  netD: NetD;
  inputNc: number;
  ndf: number;
  nLayersD: number;
  norm: NormType;
  noAntialias: boolean;
}

/** The official CUT define_G (ResNet generators): build, then init unless weights will be loaded. */
export function defineCutG(name: string, a: CutGeneratorArch, init: InitSpec | null): CutGenerator {
  const nBlocks = (RESNET_BLOCKS as Record<string, number>)[a.netG];
  if (nBlocks === undefined) throw new Error(`CUT's generator is a ResNet (${Object.keys(RESNET_BLOCKS).join(' or ')}), not ${a.netG}`);
  const params = new ParamRegistry(name);
  const net = new CutGenerator(name, params, { ...a, nBlocks });
  if (init) initWeights(net, init.type, init.gain, init.rng);
  return net;
}

/** The official CUT define_D: the PatchGAN anti-aliased unless --no_antialias; the pixel one as the reference's. */
export function defineCutD(name: string, a: CutDiscriminatorArch, init: InitSpec | null): Network {
  const params = new ParamRegistry(name);
  const base = { inputNc: a.inputNc, ndf: a.ndf, norm: a.norm };
  const layers =
    a.netD === 'pixel'
      ? pixelDiscriminator(params, base)
      : cutNLayerDiscriminator(params, { ...base, nLayers: discriminatorHalvings(a.netD, a.nLayersD), noAntialias: a.noAntialias });
  const net = new Network(name, params, layers);
  if (init) initWeights(net, init.type, init.gain, init.rng);
  return net;
}

/** The official define_F for 'mlp_sample': one MLP per tapped generator layer (init_net re-initialises all of F). */
export function defineF(name: string, g: CutGenerator, nceLayers: readonly number[], nc: number, init: InitSpec | null): PatchSampleF {
  const channels = nceLayers.map((l) => {
    const c = g.channels[l];
    if (c === undefined) throw new Error(`--nce_layers ${nceLayers.join(',')}: the generator has layers 0 to ${g.channels.length - 1}`);
    return c;
  });
  const net = new PatchSampleF(name, channels, nc);
  if (init) initWeights(net, init.type, init.gain, init.rng);
  return net;
}
