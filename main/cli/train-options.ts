import { Option, type Command } from 'commander';
import { DISCRIMINATORS, GENERATORS } from '../gan/networks/define.js';
import { parseFloatOption, parseIntOption } from './argv.js';

type Kind = 'int' | 'float' | 'flag' | string[];

/** The reference's training options, by its names; each is passed on only when given. */
export const ENGINE_OPTIONS: Array<[name: string, kind: Kind, help: string]> = [
  ['netG', [...GENERATORS], 'generator (pix2pix: unet_256, CycleGAN: resnet_9blocks)'],
  ['netD', [...DISCRIMINATORS], 'discriminator: basic = 70×70 PatchGAN (default), n_layers, pixel'],
  ['n_layers_D', 'int', 'layers of the n_layers discriminator (3)'],
  ['ngf', 'int', 'generator filters in the last conv layer (64)'],
  ['ndf', 'int', 'discriminator filters in the first conv layer (64)'],
  ['norm', ['batch', 'instance', 'none'], 'normalisation (pix2pix: batch, CycleGAN: instance)'],
  ['init_type', ['normal', 'xavier', 'kaiming', 'orthogonal'], 'weight initialisation (normal)'],
  ['init_gain', 'float', 'scale of normal/xavier/orthogonal init (0.02)'],
  ['no_dropout', 'flag', 'no dropout in the generator (CycleGAN default)'],
  ['input_nc', 'int', 'input channels: 3 colour, 1 gray (3)'],
  ['output_nc', 'int', 'output channels (3)'],
  ['direction', ['AtoB', 'BtoA'], 'translate A→B (default) or B→A'],
  ['batch_size', 'int', 'images per step (1)'],
  ['load_size', 'int', 'scale images to this size (286)'],
  ['crop_size', 'int', 'then crop to this size (256)'],
  ['preprocess', ['resize_and_crop', 'crop', 'scale_width', 'scale_width_and_crop', 'none'], 'how images are scaled and cropped (resize_and_crop)'],
  ['no_flip', 'flag', 'no random horizontal flips'],
  ['max_dataset_size', 'int', 'use at most this many images per folder'],
  ['serial_batches', 'flag', 'take images in order instead of shuffling'],
  ['n_epochs', 'int', 'epochs at the initial learning rate (100)'],
  ['n_epochs_decay', 'int', 'epochs to decay the learning rate to zero (100)'],
  ['epoch_count', 'int', 'the first epoch number (1)'],
  ['lr', 'float', 'initial learning rate for Adam (0.0002)'],
  ['beta1', 'float', "Adam's momentum term (0.5)"],
  ['lr_policy', ['linear', 'step', 'plateau', 'cosine'], 'learning rate policy (linear)'],
  ['lr_decay_iters', 'int', 'epochs between steps of the step policy (50)'],
  ['gan_mode', ['vanilla', 'lsgan', 'wgangp'], 'GAN objective (pix2pix: vanilla, CycleGAN: lsgan)'],
  ['pool_size', 'int', 'earlier fakes kept for the discriminator (CycleGAN: 50, pix2pix: 0)'],
  ['lambda_L1', 'float', 'pix2pix: weight of the L1 loss (100)'],
  ['lambda_A', 'float', 'CycleGAN: weight of the A→B→A cycle loss (10)'],
  ['lambda_B', 'float', 'CycleGAN: weight of the B→A→B cycle loss (10)'],
  ['lambda_identity', 'float', 'CycleGAN: identity loss, relative to the cycle weights (0.5)'],
  ['seed', 'int', 'random seed: the same seed and data give the same run (0)'],
];

export function addEngineOptions(cmd: Command): Command {
  for (const [name, kind, help] of ENGINE_OPTIONS) {
    if (kind === 'flag') cmd.option(`--${name}`, help);
    else if (kind === 'int') cmd.option(`--${name} <n>`, help, parseIntOption(name));
    else if (kind === 'float') cmd.option(`--${name} <x>`, help, parseFloatOption(name));
    else cmd.addOption(new Option(`--${name} <value>`, help).choices(kind));
  }
  return cmd;
}

/** Only the options the user gave, so each model's own defaults apply to the rest. */
export function givenEngineOptions(flags: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name] of ENGINE_OPTIONS) if (flags[name] !== undefined && name !== 'serial_batches') out[name] = flags[name];
  return out;
}
