import { convBiasFor } from '../layers/norm.js';
import type { GeneratorArch } from '../networks/define.js';
import type { Network, TorchTensor } from '../networks/network.js';
import { RESNET_BLOCKS, UNET_DOWN, UNET_DOWNSAMPLINGS, UNET_UP } from '../networks/geometry.js';

/**
 * The reference's generators as a plain op tree, built from a GeneratorArch alone with the same
 * construction logic (and so the same state_dict key of every parameterised layer) as
 * networks/resnet-generator.ts and networks/unet-generator.ts. Exporters walk this tree and take
 * the weights from Network.torchStateDict() by key. Dropout is absent: exports are eval mode.
 */
export type GenOp =
  | { op: 'reflectPad'; pad: number }
  | { op: 'conv'; key: string; inC: number; outC: number; kernel: number; stride: number; padding: number; bias: boolean }
  | {
      op: 'convTranspose';
      key: string;
      inC: number;
      outC: number;
      kernel: number;
      stride: number;
      padding: number;
      outputPadding: number;
      bias: boolean;
    }
  | { op: 'batchNorm'; key: string; channels: number }
  | { op: 'instanceNorm'; key: string; channels: number }
  | { op: 'relu' }
  | { op: 'leakyRelu'; alpha: number }
  | { op: 'tanh' }
  /** CUT's Downsample: reflection pad 1, then `${key}.filt` (a fixed 3×3 blur per channel) at stride 2. */
  | { op: 'blurPool'; key: string; channels: number }
  /** CUT's Upsample: bilinear ×2 with half-pixel centres and clamped edges (its filter is that, exactly). */
  | { op: 'upsample'; key: string; channels: number }
  /** x + body(x) */
  | { op: 'residual'; body: GenOp[] }
  /** concat([x, body(x)], channels) */
  | { op: 'skip'; body: GenOp[] };

type Maker = (key: string) => GenOp | null;

/** An nn.Sequential: each child gets the key prefix of its index; null children (Identity) take an index too. */
function seq(prefix: string, makers: Maker[]): GenOp[] {
  const out: GenOp[] = [];
  makers.forEach((make, i) => {
    const op = make(`${prefix}.${i}`);
    if (op) out.push(op);
  });
  return out;
}

function normMaker(arch: GeneratorArch, channels: number): Maker {
  return (key) =>
    arch.norm === 'batch' ? { op: 'batchNorm', key, channels } : arch.norm === 'instance' ? { op: 'instanceNorm', key, channels } : null;
}

const relu: Maker = () => ({ op: 'relu' });
const tanh: Maker = () => ({ op: 'tanh' });

function resnet(arch: GeneratorArch, nBlocks: number): GenOp[] {
  const { inputNc, outputNc, ngf } = arch;
  const bias = convBiasFor(arch.norm);
  const conv =
    (inC: number, outC: number, kernel: number, stride: number, padding: number, b = bias): Maker =>
    (key) => ({
      op: 'conv',
      key,
      inC,
      outC,
      kernel,
      stride,
      padding,
      bias: b,
    });
  const m: Maker[] = [() => ({ op: 'reflectPad', pad: 3 }), conv(inputNc, ngf, 7, 1, 0), normMaker(arch, ngf), relu];
  for (let i = 0; i < 2; i++) {
    const mult = 2 ** i;
    const c = ngf * mult * 2;
    if (arch.antialias?.down)
      m.push(conv(ngf * mult, c, 3, 1, 1), normMaker(arch, c), relu, (key) => ({ op: 'blurPool', key, channels: c }));
    else m.push(conv(ngf * mult, c, 3, 2, 1), normMaker(arch, c), relu);
  }
  const dim = ngf * 4;
  for (let i = 0; i < nBlocks; i++) {
    m.push((key) => ({
      op: 'residual',
      body: seq(`${key}.conv_block`, [
        () => ({ op: 'reflectPad', pad: 1 }),
        conv(dim, dim, 3, 1, 0),
        normMaker(arch, dim),
        relu,
        // Dropout: no op in eval, but it takes an index.
        ...(arch.useDropout ? [() => null] : []),
        () => ({ op: 'reflectPad', pad: 1 }),
        conv(dim, dim, 3, 1, 0),
        normMaker(arch, dim),
      ]),
    }));
  }
  for (let i = 0; i < 2; i++) {
    const mult = 2 ** (2 - i);
    const outC = Math.floor((ngf * mult) / 2);
    if (arch.antialias?.up) {
      m.push((key) => ({ op: 'upsample', key, channels: ngf * mult }), conv(ngf * mult, outC, 3, 1, 1), normMaker(arch, outC), relu);
      continue;
    }
    m.push(
      (key) => ({ op: 'convTranspose', key, inC: ngf * mult, outC, kernel: 3, stride: 2, padding: 1, outputPadding: 1, bias }),
      normMaker(arch, outC),
      relu,
    );
  }
  m.push(() => ({ op: 'reflectPad', pad: 3 }), conv(ngf, outputNc, 7, 1, 0, true), tanh);
  return seq('model', m);
}

interface UnetBlock {
  outerNc: number;
  innerNc: number;
  inputNc?: number;
  outermost?: boolean;
  innermost?: boolean;
  dropout?: boolean;
}

function unet(arch: GeneratorArch, numDowns: number): GenOp[] {
  const { ngf } = arch;
  const bias = convBiasFor(arch.norm);
  type Sub = (prefix: string) => GenOp[];
  const block =
    (s: UnetBlock, inner: Sub | null): Sub =>
    (prefix) => {
      const inputNc = s.inputNc ?? s.outerNc;
      const down: Maker = (key) => ({ op: 'conv', key, inC: inputNc, outC: s.innerNc, ...UNET_DOWN, bias });
      const up =
        (inC: number, b: boolean): Maker =>
        (key) => ({ op: 'convTranspose', key, inC, outC: s.outerNc, ...UNET_UP, bias: b });
      const subOp: Maker = (key) => {
        if (!inner) throw new Error('U-Net block without a submodule');
        return { op: 'skip', body: inner(key) };
      };
      const leaky: Maker = () => ({ op: 'leakyRelu', alpha: 0.2 });
      if (s.outermost) return seq(`${prefix}.model`, [down, subOp, relu, up(s.innerNc * 2, true), tanh]);
      if (s.innermost) return seq(`${prefix}.model`, [leaky, down, relu, up(s.innerNc, bias), normMaker(arch, s.outerNc)]);
      return seq(`${prefix}.model`, [
        leaky,
        down,
        normMaker(arch, s.innerNc),
        subOp,
        relu,
        up(s.innerNc * 2, bias),
        normMaker(arch, s.outerNc),
      ]);
    };
  let u = block({ outerNc: ngf * 8, innerNc: ngf * 8, innermost: true }, null);
  for (let i = 0; i < numDowns - 5; i++) u = block({ outerNc: ngf * 8, innerNc: ngf * 8, dropout: arch.useDropout }, u);
  u = block({ outerNc: ngf * 4, innerNc: ngf * 8 }, u);
  u = block({ outerNc: ngf * 2, innerNc: ngf * 4 }, u);
  u = block({ outerNc: ngf, innerNc: ngf * 2 }, u);
  // A skip op's body is the submodule's own sequential; the outermost block has no skip.
  return block({ outerNc: arch.outputNc, innerNc: ngf, inputNc: arch.inputNc, outermost: true }, u)('model');
}

export function generatorGraph(arch: GeneratorArch): GenOp[] {
  switch (arch.netG) {
    case 'resnet_9blocks':
    case 'resnet_6blocks':
      return resnet(arch, RESNET_BLOCKS[arch.netG]);
    case 'unet_256':
    case 'unet_128':
      return unet(arch, UNET_DOWNSAMPLINGS[arch.netG]);
  }
}

/** Every state_dict key the graph reads (to check it against the network before exporting). */
export function graphKeys(ops: readonly GenOp[]): string[] {
  const keys: string[] = [];
  for (const o of ops) {
    if (o.op === 'conv' || o.op === 'convTranspose') keys.push(`${o.key}.weight`, ...(o.bias ? [`${o.key}.bias`] : []));
    else if (o.op === 'blurPool') keys.push(`${o.key}.filt`);
    else if (o.op === 'batchNorm') keys.push(`${o.key}.weight`, `${o.key}.bias`, `${o.key}.running_mean`, `${o.key}.running_var`);
    else if (o.op === 'residual' || o.op === 'skip') keys.push(...graphKeys(o.body));
  }
  return keys;
}

/** The network's weights and its generator graph, refused when the graph reads a key the weights lack. */
export async function exportableGraph(net: Network, arch: GeneratorArch): Promise<{ sd: Map<string, TorchTensor>; ops: GenOp[] }> {
  const sd = await net.torchStateDict();
  const ops = generatorGraph(arch);
  const missing = graphKeys(ops).filter((k) => !sd.has(k));
  if (missing.length)
    throw new Error(
      `cannot export ${net.name} as ${arch.netG}: the network lacks ${missing.slice(0, 5).join(', ')}; its arch does not match its weights`,
    );
  return { sd, ops };
}
