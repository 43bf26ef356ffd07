// The spatial arithmetic of the reference's networks, free of TensorFlow.js. The builders
// (unet-generator, resnet-generator, discriminators) take their kernels, strides, paddings and
// depths from here, and the option schema — shared with the studio's API and the renderer — walks
// the same layers to refuse a crop size a network cannot train on, before anything is built.
import { GENERATORS, type NetD, type NetG } from './names.js';

export interface ConvShape {
  kernel: number;
  stride: number;
  padding: number;
}
export interface ConvTransposeShape extends ConvShape {
  outputPadding: number;
}

/** The reference's num_downs: stride-2 downsamplings of each U-Net. */
export const UNET_DOWNSAMPLINGS = { unet_256: 8, unet_128: 7 } as const;
export type UnetName = keyof typeof UNET_DOWNSAMPLINGS;
export const UNET_DOWN: ConvShape = { kernel: 4, stride: 2, padding: 1 };
export const UNET_UP: ConvTransposeShape = { kernel: 4, stride: 2, padding: 1, outputPadding: 0 };

export const RESNET_BLOCKS = { resnet_9blocks: 9, resnet_6blocks: 6 } as const;
/** ResnetGenerator: c7s1 (reflection pad 3), two stride-2 downs, residual blocks (reflection pad 1), two ups, c7s1. */
export const RESNET = {
  outerPad: 3,
  outer: { kernel: 7, stride: 1, padding: 0 },
  downsamplings: 2,
  down: { kernel: 3, stride: 2, padding: 1 },
  blockPad: 1,
  block: { kernel: 3, stride: 1, padding: 0 },
  up: { kernel: 3, stride: 2, padding: 1, outputPadding: 1 },
} as const satisfies Record<string, number | ConvShape | ConvTransposeShape>;

/** NLayerDiscriminator (PatchGAN): n_layers stride-2 convs, then two stride-1 convs; 'basic' has 3. */
export const PATCHGAN = { kernel: 4, padding: 1, basicLayers: 3 } as const;

/**
 * CUT's anti-aliased resampling (the official Downsample and Upsample). Down: the strided conv runs
 * at stride 1 and a blur pool halves (reflection pad 1, a 3×3 blur at stride 2). Up: a ×2 blurred
 * upsampling, then a stride-1 3×3 conv, instead of the transposed conv.
 */
export const BLUR_POOL = { pad: 1, blur: { kernel: 3, stride: 2, padding: 0 } } as const;

/** Which of CUT's resamplings are anti-aliased (both, unless --no_antialias / --no_antialias_up); none for the reference's networks. */
export interface Antialias {
  down: boolean;
  up: boolean;
}
const NO_ANTIALIAS: Antialias = { down: false, up: false };

const convOut = (n: number, c: ConvShape) => Math.floor((n + 2 * c.padding - c.kernel) / c.stride) + 1;
const convTransposeOut = (n: number, c: ConvTransposeShape) => (n - 1) * c.stride - 2 * c.padding + c.kernel + c.outputPadding;

/**
 * Follows an n×n image through the layers; null as soon as one cannot take it: a conv with an empty
 * output, a reflection pad not smaller than its input, a norm over a single value (batch norm in
 * training, and PyTorch's instance norm, need more than one value per channel at batch size 1), or a
 * skip connection whose two sides differ.
 */
class SidePath {
  constructor(public side: number | null) {}
  conv(c: ConvShape): this {
    if (this.side !== null) this.side = convOut(this.side, c) >= 1 ? convOut(this.side, c) : null;
    return this;
  }
  convTranspose(c: ConvTransposeShape): this {
    if (this.side !== null) this.side = convTransposeOut(this.side, c);
    return this;
  }
  reflectionPad(pad: number): this {
    if (this.side !== null) this.side = this.side > pad ? this.side + 2 * pad : null;
    return this;
  }
  norm(): this {
    if (this.side !== null && this.side < 2) this.side = null;
    return this;
  }
  blurPool(): this {
    return this.reflectionPad(BLUR_POOL.pad).conv(BLUR_POOL.blur);
  }
  upsample(): this {
    if (this.side !== null) this.side *= 2;
    return this;
  }
}

/** One UnetSkipConnectionBlock at `depth` (0 = outermost): the side of its model's output, before the skip concat. */
function unetBlock(side: number, depth: number, downs: number): number | null {
  const outermost = depth === 0;
  const innermost = depth === downs - 1;
  const p = new SidePath(side).conv(UNET_DOWN);
  if (!outermost && !innermost) p.norm();
  if (!innermost && p.side !== null) {
    const inner = unetBlock(p.side, depth + 1, downs);
    // The inner block concatenates its input with what it computed: both must have one size.
    p.side = inner === p.side ? inner : null;
  }
  p.convTranspose(UNET_UP);
  if (!outermost) p.norm();
  return p.side;
}

function resnetOutput(side: number, aa: Antialias): number | null {
  const p = new SidePath(side).reflectionPad(RESNET.outerPad).conv(RESNET.outer).norm();
  const sameSize = { ...RESNET.down, stride: 1 };
  for (let i = 0; i < RESNET.downsamplings; i++) {
    if (aa.down) p.conv(sameSize).norm().blurPool();
    else p.conv(RESNET.down).norm();
  }
  // Every residual block pads and convolves to the same size twice; one pass tells whether it fits.
  p.reflectionPad(RESNET.blockPad).conv(RESNET.block).norm();
  for (let i = 0; i < RESNET.downsamplings; i++) {
    if (aa.up) p.upsample().conv(sameSize).norm();
    else p.convTranspose(RESNET.up).norm();
  }
  return p.reflectionPad(RESNET.outerPad).conv(RESNET.outer).side;
}

function isUnet(netG: NetG): netG is UnetName {
  return netG in UNET_DOWNSAMPLINGS;
}

/** The side of the generator's output for an n×n input, or null when a layer cannot take it. */
export function generatorOutputSide(netG: NetG, side: number, aa: Antialias = NO_ANTIALIAS): number | null {
  return isUnet(netG) ? unetBlock(side, 0, UNET_DOWNSAMPLINGS[netG]) : resnetOutput(side, aa);
}

/** A generator trains on n×n crops when every layer takes them and it gives back n×n (the losses compare the two). */
export function generatorFits(netG: NetG, side: number, aa: Antialias = NO_ANTIALIAS): boolean {
  return generatorOutputSide(netG, side, aa) === side;
}

/** Stride-2 layers of the discriminator (n_layers_D for n_layers, 3 for basic, none for pixel). */
export function discriminatorHalvings(netD: NetD, nLayersD: number): number {
  return netD === 'pixel' ? 0 : netD === 'basic' ? PATCHGAN.basicLayers : nLayersD;
}

/**
 * The side of the discriminator's patch map for an n×n input, or null when it would be empty.
 * Anti-aliased (CUT's): each halving is a stride-1 conv, its norm, then a blur pool.
 */
export function discriminatorOutputSide(netD: NetD, nLayersD: number, side: number, antialias = false): number | null {
  // PixelDiscriminator: 1×1 convs, a norm after the second.
  if (netD === 'pixel') return new SidePath(side).norm().side;
  const p = new SidePath(side);
  const halvings = discriminatorHalvings(netD, nLayersD);
  for (let i = 0; i < halvings; i++) {
    p.conv({ kernel: PATCHGAN.kernel, stride: antialias ? 1 : 2, padding: PATCHGAN.padding });
    if (i > 0) p.norm();
    if (antialias) p.blurPool();
  }
  p.conv({ kernel: PATCHGAN.kernel, stride: 1, padding: PATCHGAN.padding }).norm();
  return p.conv({ kernel: PATCHGAN.kernel, stride: 1, padding: PATCHGAN.padding }).side;
}

/** Far above any minimum (n_layers_D 8 needs 768): the searches below stop here. */
const LARGEST_SIDE = 1 << 14;

function smallest(ok: (side: number) => boolean): number {
  for (let s = 1; s <= LARGEST_SIDE; s++) if (ok(s)) return s;
  throw new Error('no input size fits this network');
}

export interface GeneratorSizeRule {
  /** Stride-2 downsamplings. */
  halvings: number;
  /** The smallest crop it trains on. */
  minSide: number;
  /** Crops must be multiples of this for the way back up to meet the skip connections and the input size. */
  multiple: number;
}

const generatorRules = new Map<string, GeneratorSizeRule>();

/** Walks the generator's layers: its smallest crop and the multiple crops must have. */
export function generatorSizeRule(netG: NetG, aa: Antialias = NO_ANTIALIAS): GeneratorSizeRule {
  const key = `${netG} ${aa.down} ${aa.up}`;
  let rule = generatorRules.get(key);
  if (!rule) {
    const halvings = isUnet(netG) ? UNET_DOWNSAMPLINGS[netG] : RESNET.downsamplings;
    const stride = isUnet(netG) ? UNET_DOWN.stride : RESNET.down.stride;
    rule = { halvings, minSide: smallest((s) => generatorFits(netG, s, aa)), multiple: stride ** halvings };
    generatorRules.set(key, rule);
  }
  return rule;
}

/** The smallest crop for which the discriminator's patch map is not empty. */
export function discriminatorMinSide(netD: NetD, nLayersD: number, antialias = false): number {
  return smallest((s) => discriminatorOutputSide(netD, nLayersD, s, antialias) !== null);
}

const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/** "unet_128 or a ResNet generator": both ResNets (or both U-Nets) read as one family. */
function generatorChoices(names: readonly NetG[]): string {
  const parts: string[] = [];
  const family = (members: NetG[], label: string) => {
    const all = members.every((g) => names.includes(g));
    if (all) parts.push(label);
    else parts.push(...members.filter((g) => names.includes(g)));
  };
  family(Object.keys(UNET_DOWNSAMPLINGS) as NetG[], 'a U-Net');
  family(Object.keys(RESNET_BLOCKS) as NetG[], 'a ResNet generator');
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}` : (parts[0] ?? '');
}

function generatorProblem(netG: NetG, crop: number, aa: Antialias): string | null {
  if (generatorFits(netG, crop, aa)) return null;
  const rule = generatorSizeRule(netG, aa);
  const others = GENERATORS.filter((g) => g !== netG && generatorFits(g, crop, aa));
  const instead = others.length ? `, or keep ${crop} with ${generatorChoices(others)}` : '';
  const halves = `${netG} halves the image ${times(rule.halvings)}`;
  if (crop < rule.minSide) {
    return `${halves} and needs crops of at least ${rule.minSide}, not ${crop}: use a crop of ${rule.minSide}${instead}`;
  }
  const below = Math.floor(crop / rule.multiple) * rule.multiple;
  const sizes = below >= rule.minSide ? `${below} or ${below + rule.multiple}` : `${below + rule.multiple}`;
  return `${halves} and doubles it back, so crops must be a multiple of ${rule.multiple}, not ${crop}: use ${sizes}${instead}`;
}

function discriminatorProblem(netD: NetD, nLayersD: number, crop: number, antialias: boolean): string | null {
  if (discriminatorOutputSide(netD, nLayersD, crop, antialias) !== null) return null;
  const min = discriminatorMinSide(netD, nLayersD, antialias);
  const halvings = discriminatorHalvings(netD, nLayersD);
  const names: Record<NetD, string> = {
    basic: 'the basic (70×70 PatchGAN) discriminator',
    pixel: 'the pixel discriminator',
    n_layers: `the ${nLayersD}-layer discriminator`,
  };
  const name = names[netD];
  const options = [`a crop of ${min}`];
  for (let n = halvings - 1; n >= 1; n--) {
    if (discriminatorOutputSide('n_layers', n, crop, antialias) === null) continue;
    options.push(netD === 'n_layers' ? `${n} D layers` : `the n_layers discriminator with ${n} D layers`);
    break;
  }
  if (netD !== 'pixel') options.push('the pixel discriminator');
  const choice = options.length > 1 ? `${options.slice(0, -1).join(', ')} or ${options.at(-1)}` : options[0];
  const what = halvings ? `halves the image ${times(halvings)} and ` : '';
  return `${name} ${what}needs crops of at least ${min} to judge any patch, not ${crop}: use ${choice}`;
}

export interface NetworkSizeInput {
  netG: NetG;
  netD: NetD;
  n_layers_D: number;
  crop_size: number;
  /** CUT's networks; the reference's have none. The discriminator follows `down`. */
  antialias?: Antialias;
}

/** Why these networks cannot train on crop_size × crop_size crops, in the user's terms; null when they can. */
export function networkSizeProblem(o: NetworkSizeInput): string | null {
  const aa = o.antialias ?? NO_ANTIALIAS;
  return generatorProblem(o.netG, o.crop_size, aa) ?? discriminatorProblem(o.netD, o.n_layers_D, o.crop_size, aa.down);
}
