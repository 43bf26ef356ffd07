import type { Layer } from '../layers/layer.js';
import type { NormType } from '../layers/norm.js';
import { ParamRegistry } from '../layers/params.js';
import { defineCutG } from './define-cut.js';
import { type DiscriminatorSpec, nLayerDiscriminator, pixelDiscriminator } from './discriminators.js';
import { initNet, type InitSpec } from './init.js';
import { Network } from './network.js';
import { resnetGenerator } from './resnet-generator.js';
import { unetGenerator } from './unet-generator.js';
import { discriminatorHalvings, generatorSizeRule, RESNET_BLOCKS, UNET_DOWNSAMPLINGS } from './geometry.js';

import type { NetD, NetG } from './names.js';

export { DISCRIMINATORS, GENERATORS, type NetD, type NetG } from './names.js';

export interface GeneratorArch {
  netG: NetG;
  inputNc: number;
  outputNc: number;
  ngf: number;
  norm: NormType;
  useDropout: boolean;
  /** CUT's anti-aliased ResNet (blur-pool down, blurred ×2 up); absent: the reference's strided convs. */
  antialias?: { down: boolean; up: boolean };
}

export interface DiscriminatorArch {
  netD: NetD;
  inputNc: number;
  ndf: number;
  nLayersD: number;
  norm: NormType;
}

/** What builds the n-layer PatchGAN: the reference's, or CUT's anti-aliased one (define-cut.ts). */
type PatchGanBuilder = (params: ParamRegistry, spec: DiscriminatorSpec & { nLayers: number }) => Layer;

function generatorLayers(params: ParamRegistry, a: GeneratorArch): Layer {
  const common = { inputNc: a.inputNc, outputNc: a.outputNc, ngf: a.ngf, norm: a.norm, useDropout: a.useDropout };
  switch (a.netG) {
    case 'resnet_9blocks':
    case 'resnet_6blocks':
      return resnetGenerator(params, { ...common, nBlocks: RESNET_BLOCKS[a.netG] });
    case 'unet_256':
    case 'unet_128':
      return unetGenerator(params, { ...common, numDowns: UNET_DOWNSAMPLINGS[a.netG] });
  }
}

/** The reference's define_G: build, then init (skipped when weights will be loaded anyway). */
export function defineG(name: string, arch: GeneratorArch, init: InitSpec | null): Network {
  if (arch.antialias) {
    if (arch.netG !== 'resnet_9blocks' && arch.netG !== 'resnet_6blocks')
      throw new Error(`anti-aliased resampling exists for ResNet generators only, not ${arch.netG}`);
    return defineCutG(name, { ...arch, netG: arch.netG, noAntialias: !arch.antialias.down, noAntialiasUp: !arch.antialias.up }, init);
  }
  const params = new ParamRegistry(name);
  return initNet(new Network(name, params, generatorLayers(params, arch)), init);
}

/** The reference's define_D. */
export function defineD(
  name: string,
  arch: DiscriminatorArch,
  init: InitSpec | null,
  patchGan: PatchGanBuilder = nLayerDiscriminator,
): Network {
  const params = new ParamRegistry(name);
  const base = { inputNc: arch.inputNc, ndf: arch.ndf, norm: arch.norm };
  const layers =
    arch.netD === 'pixel'
      ? pixelDiscriminator(params, base)
      : patchGan(params, { ...base, nLayers: discriminatorHalvings(arch.netD, arch.nLayersD) });
  return initNet(new Network(name, params, layers), init);
}

/** The multiple an input's height and width must have for a generator to give back the same size. */
export function sizeMultiple(netG: NetG): number {
  return generatorSizeRule(netG).multiple;
}
