// CUT and FastCUT's options: the official cut_model.py modify_commandline_options and the
// base_options it changes (taesungp/contrastive-unpaired-translation at b3ac2977), by their names.
// --CUT_mode picks the defaults of λ_NCE, nce_idt, flip_equivariance and the schedule, as the
// official code reads it before calling set_defaults.
import { RESNET_BLOCKS } from '../gan/networks/geometry.js';
import { defineModel } from './model-definition.js';
import { option } from './option-spec.js';
import { bool, choice, flag, float, int, text } from './value-types.js';

const NORMS = ['batch', 'instance', 'none'] as const;

/** CUT taps the ResNet generator's children (nce_layers); the official U-Nets have no such taps. */
const CUT_GENERATORS = Object.keys(RESNET_BLOCKS) as [keyof typeof RESNET_BLOCKS, ...(keyof typeof RESNET_BLOCKS)[]];

export const CUT = defineModel({
  model: 'cut',
  label: 'CUT',
  summary: 'two unpaired sets, one direction; --CUT_mode FastCUT the fastest',
  data: 'unpaired',
  // F's MLPs are sized by the tapped layers and netF_nc; blur pools change the layer numbering.
  architecture: {
    generator: ['netG', 'ngf', 'normG', 'input_nc', 'output_nc', 'no_dropout', 'no_antialias', 'no_antialias_up'],
    others: ['netD', 'ndf', 'n_layers_D', 'normD', 'netF_nc', 'nce_layers'],
  },
  // normG and normD instead of norm; no image pool (the official CUTModel never uses one).
  without: ['norm', 'pool_size'],
  narrow: { netG: CUT_GENERATORS },
  defaults: { init_type: 'xavier', no_dropout: true },
  options: {
    CUT_mode: option({
      type: choice(['CUT', 'FastCUT']),
      default: 'CUT',
      label: 'Mode',
      help: 'CUT, or FastCUT: NCE weight 10, no identity NCE, flip equivariance, 150 + 50 epochs (about half the time per step).',
      group: 'Loss',
    }),
    lambda_GAN: option({
      type: float({ min: 0 }),
      default: 1,
      label: 'GAN weight',
      help: 'Weight of the GAN loss GAN(G(X)).',
      group: 'Loss',
      step: 0.1,
    }),
    lambda_NCE: option({
      type: float({ min: 0 }),
      default: 1,
      label: 'NCE weight',
      help: 'Weight of the PatchNCE loss NCE(G(X), X): how much each output patch must keep of its input patch.',
      group: 'Loss',
      step: 0.1,
    }),
    nce_idt: option({
      type: bool(),
      default: false,
      label: 'Identity NCE',
      help: 'Also apply the NCE loss to G(Y) against Y, an identity loss that keeps images already in the target style.',
      group: 'Loss',
    }),
    flip_equivariance: option({
      type: bool(),
      default: false,
      label: 'Flip equivariance',
      help: 'Flip the input left–right at random and the features back: a regulariser FastCUT uses.',
      group: 'Loss',
      advanced: true,
    }),
    nce_layers: option({
      type: text(100, { regex: /^\d+(,\d+)*$/, message: 'a comma-separated list of generator layer indices, e.g. 0,4,8,12,16' }),
      default: '0,4,8,12,16',
      label: 'NCE layers',
      help: 'Generator layers whose features the NCE loss compares.',
      group: 'Loss',
      advanced: true,
    }),
    nce_includes_all_negatives_from_minibatch: option({
      type: bool(),
      default: false,
      label: 'Negatives from the batch',
      help: 'Take negative patches from every image of the batch, not only from the same image.',
      group: 'Loss',
      advanced: true,
    }),
    netF: option({
      type: choice(['mlp_sample']),
      default: 'mlp_sample',
      label: 'Patch projection',
      help: 'How features are projected for the NCE loss: a 2-layer MLP on sampled patches (the one projection Tandem has).',
      group: 'Network',
      advanced: true,
    }),
    netF_nc: option({
      type: int({ min: 1, max: 4096 }),
      default: 256,
      label: 'Projection width',
      help: 'Width of the projection MLP.',
      group: 'Network',
      advanced: true,
    }),
    nce_T: option({
      type: float({ above: 0 }),
      default: 0.07,
      label: 'NCE temperature',
      help: 'Temperature of the NCE loss.',
      group: 'Loss',
      advanced: true,
      step: 0.01,
    }),
    num_patches: option({
      type: int({ min: 1 }),
      default: 256,
      label: 'Patches per layer',
      help: 'Patches sampled per layer for the NCE loss.',
      group: 'Loss',
      advanced: true,
    }),
    normG: option({
      type: choice(NORMS),
      default: 'instance',
      label: 'Generator normalisation',
      help: 'Normalisation in the generator: instance, batch or none.',
      group: 'Network',
      advanced: true,
    }),
    normD: option({
      type: choice(NORMS),
      default: 'instance',
      label: 'Discriminator normalisation',
      help: 'Normalisation in the discriminator: instance, batch or none.',
      group: 'Network',
      advanced: true,
    }),
    no_antialias: option({
      type: flag(),
      default: false,
      label: 'No anti-aliasing',
      help: 'Strided convolutions instead of anti-aliased (blur-pool) downsampling.',
      group: 'Network',
      advanced: true,
    }),
    no_antialias_up: option({
      type: flag(),
      default: false,
      label: 'No anti-aliased upsampling',
      help: 'Transposed convolutions instead of anti-aliased (blurred) upsampling.',
      group: 'Network',
      advanced: true,
    }),
  },
  modes: {
    option: 'CUT_mode',
    defaults: {
      CUT: { lambda_NCE: 1, nce_idt: true, flip_equivariance: false, n_epochs: 200, n_epochs_decay: 200 },
      FastCUT: { lambda_NCE: 10, nce_idt: false, flip_equivariance: true, n_epochs: 150, n_epochs_decay: 50 },
    },
  },
});

/** The generator children whose outputs the NCE loss compares, in the network's order (as the official taps return them). */
export function parseNceLayers(s: string): number[] {
  return [...new Set(s.split(',').map((x) => Number.parseInt(x, 10)))].sort((a, b) => a - b);
}
