// pix2pix's options: the reference's Pix2PixModel.modify_commandline_options.
import { defineModel } from './model-definition.js';
import { option } from './option-spec.js';
import { float } from './value-types.js';

export const PIX2PIX = defineModel({
  model: 'pix2pix',
  label: 'pix2pix',
  data: 'paired',
  summary: 'paired images',
  // U-Net with batch norm, no image pool, vanilla GAN loss (the pix2pix paper).
  defaults: { norm: 'batch', netG: 'unet_256', pool_size: 0, gan_mode: 'vanilla' },
  options: {
    lambda_L1: option({
      type: float({ min: 0 }),
      default: 100,
      label: 'L1 weight',
      help: 'How strongly the output must match the target pixel for pixel.',
      group: 'Loss',
    }),
  },
});
